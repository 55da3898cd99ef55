import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { allColumns, type ColumnKey, defaultColumns, parseColumns } from './columns.js';

/** What the column choice needs from its element. */
export interface ColumnChoiceHost extends ReactiveControllerHost {
  /** The element's `columns` attribute: the columns shown until the user chooses. */
  readonly columns?: string | undefined;
  /** Tells two trackers on one page apart in storage. */
  readonly id: string;
}

/**
 * The columns a tracker shows: the user's choice, else the host's `columns` attribute, else the defaults. The choice
 * is remembered in localStorage per page path (and element ID), read again each time the host connects; the host
 * re-renders when it changes.
 */
export class ColumnChoiceController implements ReactiveController {
  private chosen?: ColumnKey[];

  constructor(private readonly host: ColumnChoiceHost) {
    host.addController(this);
  }

  hostConnected(): void {
    try {
      this.setChosen(parseColumns(JSON.parse(localStorage.getItem(this.storageKey) ?? 'null')?.join(',')));
    } catch {
      // Storage may be unavailable (privacy mode) or hold something else under our key: use the attribute.
    }
  }

  get visible(): readonly ColumnKey[] {
    return this.chosen ?? parseColumns(this.host.columns) ?? defaultColumns;
  }

  /** Shows or hides one column, keeping the canonical order; the last column shown cannot be hidden. */
  toggle(key: ColumnKey, shown: boolean): void {
    const current = this.visible;
    const next = allColumns.filter((column) => (column === key ? shown : current.includes(column)));
    if (next.length === 0) return;
    this.setChosen(next);
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(next));
    } catch {
      // Not remembered when storage is unavailable; the choice still applies to this page view.
    }
  }

  private get storageKey(): string {
    return `job-tracker:columns:${location.pathname}${this.host.id ? `#${this.host.id}` : ''}`;
  }

  private setChosen(columns: ColumnKey[] | undefined): void {
    if (columns === this.chosen) return;
    this.chosen = columns;
    this.host.requestUpdate();
  }
}
