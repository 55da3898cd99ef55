/**
 * Northwind Ops, the demo host app: a shell (navigation, user, language and theme switchers, toasts) and one
 * page per seed screen, routed on the client with the History API. The server answers every page path with
 * the same shell, so reloads and shared links work.
 */
import '../../components/index.js';
import { html, render } from 'lit';
import { registerCounterLabels } from './counters.js';
import { type Language, language, t, translateShell } from './i18n.js';
import { dashboardPage } from './pages/dashboard.js';
import { importPage } from './pages/import.js';
import { massEditPage } from './pages/mass-edit.js';
import { optimisePage } from './pages/optimise.js';
import { reportPage } from './pages/report.js';
import { trackerPage } from './pages/tracker.js';
import { matchRoute, pagePaths, type Route, reportPathTemplate } from './routes.js';
import { configureKit, type DemoUser, loadDemoUsers, rememberedUser, signIn } from './session.js';

const page = document.getElementById('page')!;
const userSwitcher = document.getElementById('user-switcher') as HTMLSelectElement;
const languageSwitcher = document.getElementById('language-switcher') as HTMLSelectElement;
const themeSwitcher = document.getElementById('theme-switcher') as HTMLButtonElement;

let users: DemoUser[] = [];
let currentUser: DemoUser | undefined;
let lastPath = '';

function template(route: Route | null) {
  switch (route?.name) {
    case 'dashboard':
      return dashboardPage(currentUser?.name.split(' ')[0] ?? '');
    case 'import':
      return importPage();
    case 'optimise':
      return optimisePage();
    case 'mass-edit':
      return massEditPage();
    case 'tracker':
      return trackerPage();
    case 'report':
      return reportPage(route.jobId!);
    default:
      return html`<h1>${t('notFound')}</h1>`;
  }
}

function show(): void {
  const route = matchRoute(location.pathname);
  render(template(route), page);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.sidebar a[data-page]')) {
    const current = link.dataset.page === route?.name || (route?.name === 'report' && link.dataset.page === 'tracker');
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const heading = page.querySelector('h1')?.textContent ?? '';
  document.title = `${heading} · Northwind Ops`;
  // Moving focus to the new page tells screen-reader users the page changed; only on a real navigation.
  if (lastPath && lastPath !== location.pathname) page.focus();
  lastPath = location.pathname;
}

function navigate(url: string): void {
  history.pushState(null, '', url);
  show();
}

/** Follows same-origin links to the app's pages without a reload, including links inside the elements' shadow roots. */
function onClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const anchor = event
    .composedPath()
    .find((target): target is HTMLAnchorElement => target instanceof HTMLAnchorElement);
  if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
  if (!matchRoute(anchor.pathname)) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search + anchor.hash);
}

function setLanguage(lang: Language): void {
  document.documentElement.lang = lang;
  localStorage.setItem('northwind-language', lang);
  languageSwitcher.value = lang;
  translateShell();
  // The elements re-render their own text at once; reloading brings the server's labels in the new language.
  if (currentUser) configureKit(currentUser);
  show();
}

/** The switch keeps its label ("Dark mode") and says whether it is on with `aria-pressed`, as toggle buttons should. */
function setTheme(theme: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('northwind-theme', theme);
  themeSwitcher.setAttribute('aria-pressed', String(theme === 'dark'));
}

function switchUser(user: DemoUser): void {
  currentUser = user;
  userSwitcher.value = user.id;
  signIn(user);
  show();
}

function fillUserSwitcher(): void {
  userSwitcher.replaceChildren(
    ...users.map((user) => {
      const role = user.permissions.includes('jobs:read:any')
        ? 'supervisor'
        : user.permissions.includes('jobs:open:any')
          ? 'admin'
          : 'user';
      return new Option(`${user.name} (${role})`, user.id);
    }),
  );
}

async function start(): Promise<void> {
  registerCounterLabels();
  users = await loadDemoUsers();
  fillUserSwitcher();
  const storedTheme = localStorage.getItem('northwind-theme');
  setTheme(
    storedTheme === 'dark' || (!storedTheme && matchMedia('(prefers-color-scheme: dark)').matches) ? 'dark' : 'light',
  );
  document.documentElement.lang = localStorage.getItem('northwind-language') === 'fr' ? 'fr' : 'en';
  languageSwitcher.value = language();
  translateShell();
  switchUser(rememberedUser(users));
  // Added only once signed in: connected earlier, the toasts would ask the API for notifications anonymously.
  const toasts = document.createElement('job-toasts');
  toasts.setAttribute('report-url', reportPathTemplate);
  toasts.setAttribute('tracker-url', pagePaths.tracker);
  document.body.append(toasts);

  userSwitcher.addEventListener('change', () => switchUser(users.find((user) => user.id === userSwitcher.value)!));
  languageSwitcher.addEventListener('change', () => setLanguage(languageSwitcher.value === 'fr' ? 'fr' : 'en'));
  themeSwitcher.addEventListener('click', () =>
    setTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'),
  );
  document.addEventListener('click', onClick);
  // The tracker (and the other elements) open a job's report this way; the app shows it without a reload.
  document.addEventListener('job-open', (event) => {
    if (!event.url || !matchRoute(new URL(event.url, location.href).pathname)) return;
    event.preventDefault();
    navigate(event.url);
  });
  addEventListener('popstate', show);
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  render(html`<p class="alert" role="alert">${(error as Error).message}</p>`, page);
});
