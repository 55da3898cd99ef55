import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Messages } from './locales/en.js';

export type { Messages } from './locales/en.js';

/**
 * Messages a host gives for a language: any part of them. What it leaves out comes from the kit's own messages for
 * that language when it ships them, else English, so a locale written for one version keeps working when a later
 * one adds strings.
 */
export type LocaleMessages = MessagesPart<Messages>;
type MessagesPart<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends object
    ? { [K in keyof T]?: MessagesPart<T[K]> }
    : T;

// Shared through globalThis so a locale registered by the host reaches every copy of the kit on the page. Each entry
// of `locales` is complete (English, then the shipped language, then the host's parts), as every copy reads them.
const registryKey = Symbol.for('job-tracker-kit.locales');
const hostPartsKey = Symbol.for('job-tracker-kit.locale-parts');
const globals = globalThis as Record<symbol, Map<string, unknown> | undefined>;
globals[registryKey] ??= new Map<string, Messages>([['en', en]]);
globals[hostPartsKey] ??= new Map<string, LocaleMessages>();
const locales = globals[registryKey] as Map<string, Messages>;
const hostParts = globals[hostPartsKey] as Map<string, LocaleMessages>;

/** The languages the kit ships besides English, fetched on first use so a page downloads only the one it shows. */
const shipped: Record<string, () => Promise<Messages>> = {
  fr: () => import('./locales/fr.js').then((module) => module.fr),
};
/** The shipped languages this copy has fetched. */
const shippedLoaded = new Map<string, Messages>([['en', en]]);
const loading = new Map<string, Promise<void>>();

/**
 * Loads the kit's own messages for a tag's language when it ships them; undefined when there is nothing to wait
 * for. Never rejects: when they cannot be fetched, English shows and the next render tries again.
 */
export function loadLocale(tag: string): Promise<void> | undefined {
  const language = tag.toLowerCase().split('-')[0]!;
  if (shippedLoaded.has(language) || !shipped[language]) return undefined;
  let promise = loading.get(language);
  if (!promise) {
    promise = shipped[language]()
      .then((messages) => {
        shippedLoaded.set(language, messages);
        rebuild(language);
      })
      .catch(() => {})
      .finally(() => loading.delete(language));
    loading.set(language, promise);
  }
  return promise;
}

const connected = new Set<ReactiveControllerHost>();
let observer: MutationObserver | undefined;

/**
 * Adds or replaces the messages of a language (`de`, `pt-BR`…), whole or in part (see `LocaleMessages`). Elements
 * already on the page re-render in it. A region tag falls back to its language, then to English.
 */
export function registerLocale(tag: string, messages: LocaleMessages): void {
  const lower = tag.toLowerCase();
  hostParts.set(lower, messages);
  rebuild(lower.split('-')[0]!);
  for (const host of connected) host.requestUpdate();
}

/** Merges again the entries of a language and of its regions, after a part of them changed. */
function rebuild(language: string): void {
  // A language neither given parts nor shipped may still have been registered whole by another copy of the kit.
  const known = hostParts.has(language) || shippedLoaded.has(language);
  const base = known
    ? withParts(shippedLoaded.get(language) ?? en, hostParts.get(language))
    : (locales.get(language) ?? en);
  if (known) locales.set(language, base);
  for (const [tag, parts] of hostParts) {
    if (tag.startsWith(`${language}-`)) locales.set(tag, withParts(base, parts));
  }
}

/** `messages` with `parts` laid over them, nested groups (`status`, `columns`…) key by key. */
function withParts<T>(messages: T, parts: MessagesPart<NoInfer<T>> | undefined): T {
  if (parts === undefined) return messages;
  const merged = { ...messages } as Record<string, unknown>;
  for (const [key, value] of Object.entries(parts as Record<string, unknown>)) {
    if (value === undefined) continue;
    const current = merged[key];
    const isGroup = isPlainObject(value) && isPlainObject(current);
    merged[key] = isGroup ? withParts(current, value) : value;
  }
  return merged as T;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The messages for a BCP 47 tag: exact, then its language, then English. */
export function messagesFor(tag: string): Messages {
  const lower = tag.toLowerCase();
  return locales.get(lower) ?? locales.get(lower.split('-')[0]!) ?? en;
}

/**
 * Resolves an element's language at render time: its own `lang`, then the nearest ancestor with `lang`
 * (crossing shadow roots), then `<html lang>`, then English. There is deliberately no page-wide setting, so a
 * host app's own i18n stays in charge of `lang` attributes.
 *
 * Promise: the host re-renders whenever a `lang` attribute changes anywhere in the light DOM of the page
 * (including `<html lang>`) or a locale is registered.
 */
export class LocalizeController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    connected.add(this.host);
    if (!observer && typeof MutationObserver !== 'undefined') {
      observer = new MutationObserver(() => {
        for (const host of connected) host.requestUpdate();
      });
      observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
    }
  }

  hostDisconnected(): void {
    connected.delete(this.host);
  }

  /** The resolved language tag. */
  get lang(): string {
    let node: Element | null = this.host;
    while (node) {
      if (node.getAttribute('lang')) return node.getAttribute('lang')!;
      node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
    }
    return 'en';
  }

  /** The messages in the resolved language (English until a shipped language is loaded: await `loaded()`). */
  get m(): Messages {
    return messagesFor(this.lang);
  }

  /** Settles once the messages of the resolved language are loaded; undefined when they already are. */
  loaded(): Promise<void> | undefined {
    return loadLocale(this.lang);
  }
}
