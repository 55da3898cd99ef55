import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { LocalizeController } from './localize.js';
import { darkTheme, srOnly, themeTokens } from './theme.js';

/** What every element of the kit shares: theme, language and the base styles. */
export class KitElement extends LitElement {
  static override styles = [themeTokens, darkTheme, srOnly];

  /** `light` or `dark`; when absent the element follows a `.dark`/`[data-theme=dark]` ancestor or the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  protected readonly localize = new LocalizeController(this);

  // A render waits for the messages of the element's language, so a French page never flashes English while
  // they load (only the first render in a language shipped on demand ever waits).
  // biome-ignore lint/suspicious/noConfusingVoidType: the signature of Lit's ReactiveElement.scheduleUpdate.
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loaded = this.localize.loaded();
    if (!loaded) return super.scheduleUpdate();
    return loaded.then(() => super.scheduleUpdate());
  }
}
