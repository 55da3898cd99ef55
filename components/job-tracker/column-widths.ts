import { unsafeCSS } from 'lit';
import type { ColumnKey } from './columns.js';

type WidthKey = ColumnKey | 'select' | 'actions';

/**
 * Fixed widths, in rem, for the columns of short values, so the free text (type, user) and the dates get the rest of
 * the row. The styles and the table's least width both read them.
 */
const fixedWidths: Partial<Record<WidthKey, number>> = {
  select: 2.25,
  status: 9,
  report: 5,
  id: 5,
  waiting: 6.5,
  processing: 6.5,
  host: 6.5,
  actions: 11.5,
};
/** The least a flexible column gets, in rem: a header ("Utilisateur ▲") fits, a date shows up to its time. */
const flexibleMinWidth = 6.5;
/** A cell's padding, each side, in rem. */
export const cellPaddingRem = 0.5;

/** `th.status, td.status { width: 9rem }`… for every fixed column. */
export const columnWidthStyles = unsafeCSS(
  Object.entries(fixedWidths)
    .map(([key, rem]) => `th.${key}, td.${key} { width: ${rem}rem; }`)
    .join('\n'),
);

/**
 * The table's least width: every fixed column at its width, every flexible one at `flexibleMinWidth`, padding
 * included. A fixed layout gives flexible columns only what the fixed ones leave: 6.5rem for every column alike
 * left type, user and dates 75 px each in the demo at 1366 px.
 */
export function minTableWidth(columns: readonly ColumnKey[]): string {
  const keys: WidthKey[] = ['select', ...columns, 'actions'];
  const rem = keys.reduce((sum, key) => sum + (fixedWidths[key] ?? flexibleMinWidth) + 2 * cellPaddingRem, 0);
  return `${rem}rem`;
}
