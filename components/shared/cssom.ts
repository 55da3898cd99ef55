import { noChange } from 'lit';
import { Directive, directive, type ElementPart, type PartInfo, PartType } from 'lit/directive.js';

type Styles = Record<string, string>;

/**
 * Sets style properties through the CSSOM only: `<td ${cssom({ height: '40px' })}>`. Lit's `styleMap` writes a
 * `style` attribute on first render, which a strict Content Security Policy (`style-src 'self'`) blocks; CSSOM
 * writes are allowed. Properties are set, never removed, so give the same keys on every render.
 */
class CssomDirective extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT)
      throw new Error('cssom() must be bound to an element, not to an attribute or text');
  }

  render(_styles: Styles): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [styles]: [Styles]): typeof noChange {
    const { style } = part.element as HTMLElement;
    for (const [name, value] of Object.entries(styles)) style.setProperty(name, value);
    return noChange;
  }
}

export const cssom = directive(CssomDirective);
