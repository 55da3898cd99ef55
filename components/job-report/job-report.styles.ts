import { css } from 'lit';

export const reportStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    font-size: 0.875rem;
    background: var(--c-surface);
  }
  section {
    margin-block-end: 1.25rem;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0;
  }
  h3 {
    font-size: 1rem;
    margin: 0;
  }
  .title {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.75rem;
    margin-block-end: 0.75rem;
  }
  .title label {
    margin-inline-start: auto;
    display: flex;
    align-items: center;
    gap: 0.375rem;
  }
  .progress {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin-block-end: 0.75rem;
  }
  progress {
    flex: 0 1 20rem;
    accent-color: var(--c-accent);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    margin-block-end: 1.25rem;
  }
  caption {
    text-align: start;
    font-weight: 600;
    font-size: 1rem;
    padding-block-end: 0.5rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.375rem 0.5rem;
    border-bottom: 1px solid var(--c-border);
    vertical-align: top;
  }
  thead th {
    color: var(--c-muted);
    font-weight: 500;
  }
  .counters {
    font-variant-numeric: tabular-nums;
  }
  ol.messages,
  ul {
    list-style: none;
    margin: 0 0 0.75rem;
    padding: 0;
  }
  ol.messages li {
    border-inline-start: 0.25rem solid var(--c-border);
    padding: 0.375rem 0.625rem;
    margin-block-end: 0.375rem;
    background: var(--c-raised);
  }
  ol.messages li.warning {
    border-inline-start-color: var(--c-warning);
  }
  ol.messages li.error {
    border-inline-start-color: var(--c-danger);
  }
  .message-head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
  }
  .level {
    font-weight: 600;
  }
  dl.item {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    margin: 0.375rem 0 0;
    font-family: var(--job-mono-font, ui-monospace, monospace);
    font-size: 0.8125rem;
  }
  dl.item div {
    display: flex;
    gap: 0.25rem;
  }
  dl.item dt {
    color: var(--c-muted);
  }
  dl.item dt::after {
    content: ':';
  }
  dl.item dd {
    margin: 0;
  }
  ul li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    padding: 0.25rem 0;
  }
  .state {
    padding: 1rem;
    border: 1px solid var(--c-border);
    border-radius: 0.5rem;
  }
  /* A narrow pane: the steps table becomes stacked rows. */
  @container (max-width: 32rem) {
    thead {
      display: none;
    }
    tr,
    th,
    td {
      display: block;
      border: 0;
      padding: 0.125rem 0;
    }
    tr {
      border-bottom: 1px solid var(--c-border);
      padding: 0.375rem 0;
    }
    dl.fields {
      grid-template-columns: 1fr;
    }
  }
`;
