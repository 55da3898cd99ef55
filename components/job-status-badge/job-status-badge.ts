import { html, svg } from 'lit';
import { property } from 'lit/decorators.js';
import type { JobStatus, KnownJobStatus } from '../../sdk/index.js';
import { defineElement } from '../shared/define.js';
import { KitElement } from '../shared/kit-element.js';
import { badgeStyles } from './job-status-badge.styles.js';

/** The colour family of a badge; each is also told apart by its icon and label. */
export type BadgeTone = 'success' | 'warning' | 'danger' | 'grey' | 'neutral';

const icons: Record<KnownJobStatus | 'warned' | 'unknown', string> = {
  succeeded: 'M6.5 11.3 3.2 8l1.1-1.1 2.2 2.2 5.2-5.2 1.1 1.1z',
  warned: 'M8 1 15.5 14.5H.5zM7.2 6v4.2h1.6V6zm0 5.2v1.6h1.6v-1.6z',
  failed: 'M4.2 3.1 8 6.9l3.8-3.8 1.1 1.1L9.1 8l3.8 3.8-1.1 1.1L8 9.1l-3.8 3.8-1.1-1.1L6.9 8 3.1 4.2z',
  interrupted: 'M4 4h8v8H4z',
  queued:
    'M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM8 3a5 5 0 1 1 0 10A5 5 0 0 1 8 3zm-.8 1.5v4.2l3.2 1.9.8-1.3-2.4-1.4V4.5z',
  running: 'M5 3v10l8-5z',
  interrupting: 'M4.5 3.5H7v9H4.5zm4.5 0h2.5v9H9z',
  unknown: 'M8 4a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
};

const known = new Set<string>(['queued', 'running', 'interrupting', 'succeeded', 'failed', 'interrupted']);

/** The colour rule of the spec: green clean success, yellow success with warnings, red failure, grey interrupted. */
export function toneOf(status: string, warnings: number): BadgeTone {
  if (status === 'succeeded') return warnings > 0 ? 'warning' : 'success';
  if (status === 'failed') return 'danger';
  if (status === 'interrupted') return 'grey';
  return 'neutral';
}

/**
 * A job's status as a small pill: icon, label and warning/error count, so it reads without colour.
 * A status this version does not know shows neutrally with its raw value.
 *
 * @tag job-status-badge
 * @summary A job's status, with its warning or error count.
 * @csspart base - The pill.
 * @csspart icon - The status icon.
 * @csspart label - The status label.
 * @csspart count - The warning or error count.
 * @cssprop --job-badge-font-size - Font size of the pill.
 * @cssprop --job-badge-radius - Corner radius of the pill.
 * @cssprop --job-success-bg - Background of a success without warnings (green).
 * @cssprop --job-success - Text and border of a success without warnings.
 * @cssprop --job-warning-bg - Background of a success with warnings (yellow).
 * @cssprop --job-warning - Text and border of a success with warnings.
 * @cssprop --job-danger-bg - Background of a failure (red).
 * @cssprop --job-danger - Text and border of a failure.
 * @cssprop --job-grey-bg - Background of an interrupted job (grey).
 * @cssprop --job-grey - Text and border of an interrupted job.
 * @cssprop --job-neutral-bg - Background of a queued or running job, or an unknown status.
 * @cssprop --job-neutral - Text and border of a queued or running job, or an unknown status.
 */
export class JobStatusBadge extends KitElement {
  static override styles = [...KitElement.styles, badgeStyles];

  /** The job's status (`queued`, `running`, `interrupting`, `succeeded`, `failed`, `interrupted`, or newer). */
  @property() status: JobStatus = 'queued';

  /** Number of warnings; a success with warnings shows yellow with the count. */
  @property({ type: Number }) warnings = 0;

  /** Number of errors, shown with the count. */
  @property({ type: Number }) errors = 0;

  /** Progress of a running job, 0–100 (floored by the server); shown next to the label. */
  @property({ type: Number }) percent?: number | null;

  override render() {
    const { m } = this.localize;
    const status = this.status;
    const isKnown = known.has(status);
    const label = isKnown ? m.status[status as KnownJobStatus] : status;
    const tone = toneOf(status, this.warnings);
    const icon = !isKnown ? 'unknown' : tone === 'warning' ? 'warned' : (status as KnownJobStatus);
    const showPercent = status === 'running' && this.percent != null;
    const counts = [
      this.errors > 0 ? m.errors(this.errors) : '',
      this.warnings > 0 ? m.warnings(this.warnings) : '',
    ].filter(Boolean);
    const visibleCount = this.errors > 0 ? this.errors : this.warnings;
    return html`<span part="base" class=${tone} title=${[label, ...counts].join(', ')}
      ><svg part="icon" viewBox="0 0 16 16" aria-hidden="true">${svg`<path fill-rule="evenodd" d=${icons[icon]}></path>`}</svg
      ><span part="label">${label}${showPercent ? ` ${m.percent(this.percent!)}` : ''}</span
      >${
        counts.length
          ? html`<span part="count"
              ><span aria-hidden="true">${visibleCount}</span><span class="sr-only">, ${counts.join(', ')}</span></span
            >`
          : ''
      }</span
    >`;
  }
}

defineElement('job-status-badge', JobStatusBadge);

declare global {
  interface HTMLElementTagNameMap {
    'job-status-badge': JobStatusBadge;
  }
}
