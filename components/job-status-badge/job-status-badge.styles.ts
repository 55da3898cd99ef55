import { css } from 'lit';

export const badgeStyles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    font-size: var(--job-badge-font-size, 0.8125rem);
  }
  [part='base'] {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    padding: 0.1em 0.55em 0.1em 0.4em;
    border-radius: var(--job-badge-radius, 1em);
    line-height: 1.5;
    white-space: nowrap;
    font-weight: 500;
    border: 1px solid currentColor;
  }
  [part='icon'] {
    width: 1em;
    height: 1em;
    fill: currentColor;
    flex: none;
  }
  [part='count'] {
    font-variant-numeric: tabular-nums;
    border-inline-start: 1px solid currentColor;
    padding-inline-start: 0.35em;
  }
  .success {
    background: var(--c-success-bg);
    color: var(--c-success);
  }
  .warning {
    background: var(--c-warning-bg);
    color: var(--c-warning);
  }
  .danger {
    background: var(--c-danger-bg);
    color: var(--c-danger);
  }
  .grey {
    background: var(--c-grey-bg);
    color: var(--c-grey);
  }
  .neutral {
    background: var(--c-neutral-bg);
    color: var(--c-neutral);
  }
`;
