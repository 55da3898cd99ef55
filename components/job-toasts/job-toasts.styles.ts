import { css } from 'lit';

export const toastsStyles = css`
  :host {
    position: fixed;
    inset-block-start: 1rem;
    inset-inline-end: 1rem;
    z-index: var(--job-toasts-z-index, 1000);
    width: var(--job-toasts-width, min(24rem, calc(100vw - 2rem)));
    font-size: 0.875rem;
    pointer-events: none;
  }
  .stack {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
  }
  .toast {
    pointer-events: auto;
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: start;
    gap: 0.5rem;
    padding: 0.625rem 0.5rem 0.625rem 0.75rem;
    background: var(--c-surface);
    color: var(--c-text);
    border: 1px solid var(--c-border);
    border-inline-start: 0.25rem solid var(--c-neutral);
    border-radius: 0.5rem;
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.15);
  }
  .body {
    display: flex;
    flex-direction: column;
    align-items: start;
    gap: 0.25rem;
  }
  .stack:not(:empty) + .failure {
    margin-block-start: 0.5rem;
  }
  .toast.success {
    border-inline-start-color: var(--c-success);
  }
  .toast.warning {
    border-inline-start-color: var(--c-warning);
  }
  .toast.danger {
    border-inline-start-color: var(--c-danger);
  }
  .toast.grey {
    border-inline-start-color: var(--c-grey);
  }
  [part='message'] {
    margin: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 0.5rem;
  }
  [part='close'] {
    font-size: 1.125rem;
  }
  @media (prefers-reduced-motion: no-preference) {
    .toast {
      animation: enter 150ms ease-out;
    }
    @keyframes enter {
      from {
        opacity: 0;
        transform: translateY(-0.5rem);
      }
    }
  }
`;
