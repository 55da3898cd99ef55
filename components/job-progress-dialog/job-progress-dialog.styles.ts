import { css } from 'lit';

export const dialogStyles = css`
  :host {
    display: contents;
  }
  dialog {
    width: var(--job-dialog-width, min(32rem, calc(100vw - 2rem)));
    box-sizing: border-box;
    padding: 1.25rem;
    border: 1px solid var(--c-border);
    border-radius: 0.75rem;
    background: var(--c-surface);
    color: var(--c-text);
    font-size: 0.9375rem;
    container-type: inline-size;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  h2 {
    margin: 0 0 0.75rem;
    font-size: 1.125rem;
  }
  h3 {
    margin: 1rem 0 0.375rem;
    font-size: 0.9375rem;
  }
  progress {
    width: 100%;
    height: 0.75rem;
    accent-color: var(--c-accent);
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: center;
    margin: 0.375rem 0;
  }
  .percent {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .time-left {
    margin-inline-start: auto;
  }
  .stale {
    color: var(--c-warning);
    margin: 0.375rem 0;
  }
  .slot {
    min-height: 4.5rem;
  }
  .footer {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.75rem;
    margin-top: 1.25rem;
  }
  .footer p {
    margin: 0;
    font-size: 0.8125rem;
  }
  @container (max-width: 22rem) {
    .footer {
      flex-direction: column;
      align-items: stretch;
    }
    dl.fields {
      grid-template-columns: 1fr;
    }
  }
`;
