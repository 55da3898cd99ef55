import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Messages } from './locales/en.js';

export type { Messages } from './locales/en.js';

// Shared through globalThis so a locale registered by the host reaches every copy of the kit on the page.
const registryKey = Symbol.for('job-tracker-kit.locales');
const globals = globalThis as Record<symbol, Map<string, Messages> | undefined>;
globals[registryKey] ??= new Map<string, Messages>([['en', en]]);
const locales = globals[registryKey];

/** The languages the kit ships besides English, fetched on first use so a page downloads only the one it shows. */
const shipped: Record<string, () => Promise<Messages>> = {
  fr: () => import('./locales/fr.js').then((module) => module.fr),
};
const loading = new Map<string, Promise<void>>();

/**
 * Loads the kit's own messages for a tag when it ships them and none are registered yet; undefined when there is
 * nothing to wait for. Never rejects: when they cannot be fetched, English shows and the next render tries again.
 */
export function loadLocale(tag: string): Promise<void> | undefined {
  const lower = tag.toLowerCase();
  const language = lower.split('-')[0]!;
  if (locales.has(lower) || locales.has(language) || !shipped[language]) return undefined;
  let promise = loading.get(language);
  if (!promise) {
    promise = shipped[language]()
      .then((messages) => {
        // A host that registered its own messages meanwhile keeps them.
        if (!locales.has(language)) locales.set(language, messages);
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
 * Adds or replaces the messages of a language (`de`, `pt-BR`…). Elements already on the page re-render in it.
 * A region tag falls back to its language, then to English.
 */
export function registerLocale(tag: string, messages: Messages): void {
  locales.set(tag.toLowerCase(), messages);
  for (const host of connected) host.requestUpdate();
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
