/**
 * Who is signed in. A real host signs users in its own way; the demo offers its three users and, on a switch,
 * hands the kit the new identity twice: a bearer token through `configure()` (every element reloads with it),
 * and the `job_session` cookie, so plain links to the API (artifact downloads) carry it too. Requests also say
 * the page's language, so the server's labels (job types, steps, options) match the elements' own.
 */
import { configure } from '../../components/index.js';

export interface DemoUser {
  id: string;
  name: string;
  token: string;
  permissions: string[];
}

const storageKey = 'northwind-demo-user';

export async function loadDemoUsers(): Promise<DemoUser[]> {
  const response = await fetch('/demo/users.json');
  if (!response.ok) throw new Error(`Could not load the demo users (${response.status}).`);
  return (await response.json()) as DemoUser[];
}

/** The user chosen last in this browser, else the first (the plain user). */
export function rememberedUser(users: readonly DemoUser[]): DemoUser {
  const id = localStorage.getItem(storageKey);
  return users.find((user) => user.id === id) ?? users[0]!;
}

export function signIn(user: DemoUser): void {
  localStorage.setItem(storageKey, user.id);
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser the demo should run in.
  document.cookie = `job_session=${encodeURIComponent(user.token)}; path=/; SameSite=Strict`;
  configureKit(user);
}

/** (Re)configures the kit for the user: every element reloads, in the page's current language. */
export function configureKit(user: DemoUser): void {
  configure({
    baseUrl: '/api',
    headers: () => ({
      Authorization: `Bearer ${user.token}`,
      'Accept-Language': document.documentElement.lang || 'en',
    }),
  });
}
