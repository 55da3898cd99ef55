import { css } from 'lit';

export const widgetStyles = css`
  :host {
    display: block;
    font-size: 0.875rem;
  }
  [part='base'] {
    container-type: inline-size;
    background: var(--c-surface);
    border: 1px solid var(--c-border);
    border-radius: var(--job-widget-radius, 0.5rem);
    padding: 0.75rem;
  }
  .head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.5rem;
    margin-bottom: 0.5rem;
  }
  h2 {
    margin: 0;
    font-size: 1rem;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr) auto;
    align-items: center;
    gap: 0.5rem;
    padding: 0.375rem 0;
    border-top: 1px solid var(--c-border);
  }
  li:first-child {
    border-top: 0;
  }
  .type {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  time {
    color: var(--c-muted);
    white-space: nowrap;
    font-size: 0.8125rem;
  }
  p {
    margin: 0.25rem 0;
  }
  /* A 280 px sidebar: the badge takes its own line, type and time share the next. */
  @container (max-width: 20rem) {
    li {
      grid-template-columns: minmax(0, 1fr) auto;
    }
    job-status-badge {
      grid-column: 1 / -1;
      justify-self: start;
    }
  }
`;
