import { css } from 'lit';

/** Buttons, links, focus ring and small print shared by the dialog, toasts, widget and report. */
export const controlStyles = css`
  :host([hidden]) {
    display: none;
  }
  button,
  select {
    font: inherit;
    color: inherit;
    background: var(--c-surface);
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
    padding: 0.25rem 0.625rem;
  }
  button {
    cursor: pointer;
  }
  button.primary {
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-on-accent);
  }
  button.icon {
    border-color: transparent;
    background: transparent;
    padding: 0.125rem 0.375rem;
    line-height: 1;
  }
  a {
    color: var(--c-accent);
  }
  :focus-visible {
    outline: 2px solid var(--c-focus);
    outline-offset: 1px;
  }
  .muted {
    color: var(--c-muted);
  }
  .error {
    color: var(--c-danger);
  }
  dl.fields {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 0.25rem 0.75rem;
    margin: 0;
  }
  dl.fields dt {
    color: var(--c-muted);
  }
  dl.fields dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
`;
