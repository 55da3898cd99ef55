/**
 * Registers a custom element unless the tag is taken, so importing the kit twice (two bundles, a hot reload) does
 * not throw "already been used with this registry".
 */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
