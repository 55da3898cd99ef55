import { css } from 'lit';
import { cellPaddingRem, columnWidthStyles } from './column-widths.js';

export const trackerStyles = css`
  :host {
    display: block;
    font-size: 0.875rem;
    background: var(--c-surface);
  }
  :host([hidden]) {
    display: none;
  }
  button,
  select,
  input,
  summary {
    font: inherit;
    color: inherit;
  }
  button,
  select,
  input[type='date'],
  input[type='search'] {
    background: var(--c-surface);
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
    padding: 0.25rem 0.5rem;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  button.primary {
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-on-accent);
  }
  :focus-visible {
    outline: 2px solid var(--c-focus);
    outline-offset: 1px;
  }
  .toolbar,
  .filters,
  .controls,
  .bar,
  .bulk-bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  /* The column menu's containing block: it opens under its button but never wider than, or before, the toolbar. */
  .toolbar {
    position: relative;
    justify-content: space-between;
    padding: 0.5rem 0;
  }
  /* Kept at the end even when the toolbar wraps, so the column menu, aligned to the end, opens under its button. */
  .controls {
    margin-inline-start: auto;
    justify-content: end;
  }
  .filters label {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    color: var(--c-muted);
  }
  .filters label > * {
    color: var(--c-text);
  }
  .columns-menu summary {
    cursor: pointer;
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
    padding: 0.25rem 0.5rem;
  }
  .columns-menu fieldset {
    position: absolute;
    inset-inline-end: 0;
    max-width: 100%;
    box-sizing: border-box;
    z-index: 2;
    margin: 0.25rem 0 0;
    padding: 0.5rem;
    background: var(--c-raised);
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
    display: grid;
    gap: 0.25rem;
    min-width: 10rem;
  }
  .bar {
    align-items: center;
    justify-content: space-between;
    min-height: 2rem;
  }
  .message {
    margin: 0;
    color: var(--c-muted);
  }
  .message.error,
  .notice.error {
    color: var(--c-danger);
  }
  .pending {
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-on-accent);
  }
  .bulk-bar {
    align-items: center;
    padding: 0.375rem 0.5rem;
    background: var(--c-raised);
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
  }
  /* The live region stays in the DOM (so announcements are heard) but shows only while it holds a notice;
     :empty cannot tell, because of Lit's comment markers. */
  .notice.shown {
    margin: 0.5rem 0;
    padding: 0.5rem;
    border: 1px solid currentColor;
    border-radius: 0.375rem;
  }
  .notice.success {
    color: var(--c-success);
  }
  .notice p {
    margin: 0 0 0.25rem;
  }
  .notice ul {
    margin: 0 0 0.25rem;
    max-height: 8rem;
    overflow: auto;
  }
  .scroller {
    /* The containing block of the rows' visually hidden text: without it, that text is laid out against the page,
       out of reach of this box's clipping, and widens the page wherever the table is wider than the screen. */
    position: relative;
    max-height: var(--job-tracker-height, 32rem);
    overflow: auto;
    border: 1px solid var(--c-border);
    border-radius: 0.375rem;
    overscroll-behavior: contain;
    /* Scroll anchoring would chase the rows as the spacers resize and run the list to its end. */
    overflow-anchor: none;
  }
  table {
    width: 100%;
    border-collapse: collapse;
    table-layout: fixed;
  }
  thead th {
    position: sticky;
    top: 0;
    z-index: 1;
    background: var(--c-raised);
    text-align: start;
    font-weight: 600;
    border-bottom: 1px solid var(--c-border);
  }
  th,
  td {
    padding: 0 ${cellPaddingRem}rem;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  th {
    height: 2.25rem;
  }
  tbody tr[data-index] {
    height: var(--job-tracker-row-height, 2.5rem);
    border-bottom: 1px solid var(--c-border);
  }
  tbody tr[data-index]:focus {
    outline: 2px solid var(--c-focus);
    outline-offset: -2px;
  }
  tr.selected {
    background: var(--c-selected);
  }
  tr.placeholder td {
    color: var(--c-muted);
  }
  tr.spacer td {
    padding: 0;
  }
  ${columnWidthStyles}
  .actions button {
    padding: 0.125rem 0.375rem;
  }
  button.sort,
  button.link {
    border: none;
    background: none;
    padding: 0;
    font-weight: inherit;
  }
  button.link,
  a {
    color: var(--c-accent);
    text-decoration: underline;
  }
  dialog {
    background: var(--c-surface);
    color: var(--c-text);
    border: 1px solid var(--c-border);
    border-radius: 0.5rem;
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 40%);
  }
  dialog h2 {
    font-size: 1rem;
  }
  .dialog-buttons {
    display: flex;
    gap: 0.5rem;
    justify-content: end;
  }
`;
