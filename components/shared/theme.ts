import { css } from 'lit';

/**
 * Colour tokens. Each element reads private `--c-*` variables, which default to a public `--job-*` custom property
 * set by the host page (it inherits into every shadow root), then to the kit's light or dark value. Dark applies
 * with `theme="dark"`, on a `.dark` or `[data-theme="dark"]` ancestor, or with the system's dark preference
 * unless `theme="light"`. Contrast of each pair passes WCAG AA (checked by axe in the tests).
 */
export const themeTokens = css`
  :host {
    --c-surface: var(--job-surface, #ffffff);
    --c-raised: var(--job-surface-raised, #f6f8fa);
    --c-text: var(--job-text, #1f2328);
    --c-muted: var(--job-text-muted, #57606a);
    --c-border: var(--job-border, #d0d7de);
    --c-accent: var(--job-accent, #0969da);
    --c-on-accent: var(--job-on-accent, #ffffff);
    --c-focus: var(--job-focus, #0969da);
    --c-selected: var(--job-selected, #ddf4ff);
    --c-success-bg: var(--job-success-bg, #dafbe1);
    --c-success: var(--job-success, #116329);
    --c-warning-bg: var(--job-warning-bg, #fff8c5);
    --c-warning: var(--job-warning, #7d4e00);
    --c-danger-bg: var(--job-danger-bg, #ffebe9);
    --c-danger: var(--job-danger, #a40e26);
    --c-grey-bg: var(--job-grey-bg, #eaeef2);
    --c-grey: var(--job-grey, #424a53);
    --c-neutral-bg: var(--job-neutral-bg, #ddf4ff);
    --c-neutral: var(--job-neutral, #0550ae);
    color-scheme: light;
    font-family: var(--job-font, system-ui, sans-serif);
    color: var(--c-text);
  }
`;

const dark = css`
  --c-surface: var(--job-surface, #0d1117);
  --c-raised: var(--job-surface-raised, #161b22);
  --c-text: var(--job-text, #e6edf3);
  --c-muted: var(--job-text-muted, #9198a1);
  --c-border: var(--job-border, #3d444d);
  --c-accent: var(--job-accent, #4493f8);
  --c-on-accent: var(--job-on-accent, #0d1117);
  --c-focus: var(--job-focus, #4493f8);
  --c-selected: var(--job-selected, #12263f);
  --c-success-bg: var(--job-success-bg, #04260f);
  --c-success: var(--job-success, #56d364);
  --c-warning-bg: var(--job-warning-bg, #2e1f00);
  --c-warning: var(--job-warning, #e3b341);
  --c-danger-bg: var(--job-danger-bg, #3c0a0a);
  --c-danger: var(--job-danger, #ff8182);
  --c-grey-bg: var(--job-grey-bg, #262c36);
  --c-grey: var(--job-grey, #d1d7e0);
  --c-neutral-bg: var(--job-neutral-bg, #0c2d6b);
  --c-neutral: var(--job-neutral, #a5d6ff);
  color-scheme: dark;
`;

// Written out per selector: a selector list would be dropped whole by a browser without :host-context().
export const darkTheme = css`
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host-context(.dark) {
    ${dark}
  }
  :host-context([data-theme='dark']) {
    ${dark}
  }
`;

/**
 * Visually hidden but read by screen readers. Absolutely positioned so it takes no room: it is then laid out
 * against its nearest positioned ancestor, so a scroll box that can hold it must be positioned too (as the tracker's
 * `.scroller` is), or the text escapes the box's clipping and widens the page. No padding or border (a `legend` has
 * some) and a -1px margin keep the box to nothing, for the same reason.
 */
export const srOnly = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    border: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
