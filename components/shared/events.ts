import type { BulkAction, Job, Problem } from '../../sdk/index.js';

/** What happened to one job of an action. */
export interface JobActionOutcome {
  id: string;
  ok: boolean;
  /** The job after the action (for a requeue, the new job); absent when deleted or refused. */
  job?: Job;
  /** Why it was refused. */
  problem?: Problem;
}

/**
 * Whether a click on a report link opens it in this page. One with Ctrl, ⌘, Shift or Alt opens another tab or
 * window (or downloads): the element then fires no `job-open`, which a host would cancel to route in place.
 */
export function opensInPlace(click: Event): boolean {
  return !(click instanceof MouseEvent && (click.ctrlKey || click.metaKey || click.shiftKey || click.altKey));
}

/**
 * A job is being opened (its row activated). Cancel it with `preventDefault()` to show the job your own way;
 * otherwise the element follows `url`, the job's report URL.
 */
export class JobOpenEvent extends Event {
  static readonly eventName = 'job-open';
  constructor(
    /** The job. */
    readonly job: Job,
    /** The report URL the element will follow unless the event is cancelled; empty when it has none. */
    readonly url: string,
  ) {
    super(JobOpenEvent.eventName, { bubbles: true, composed: true, cancelable: true });
  }
}

/**
 * Fires a cancelable `job-open` for `job` on `host`. Cancelled, it cancels `cause` too (the click on the report
 * link), so the browser does not follow the link. Returns whether the host cancelled it.
 */
export function announceJobOpen(host: EventTarget, job: Job, url: string, cause?: Event): boolean {
  const openEvent = new JobOpenEvent(job, url);
  host.dispatchEvent(openEvent);
  if (openEvent.defaultPrevented) cause?.preventDefault();
  return openEvent.defaultPrevented;
}

/** An action (requeue, interrupt, delete), on one job or in bulk, has been answered by the server. */
export class JobActionEvent extends Event {
  static readonly eventName = 'job-action';
  constructor(
    /** The action. */
    readonly action: BulkAction,
    /** One outcome per job, in the order they were asked for. */
    readonly outcomes: readonly JobActionOutcome[],
  ) {
    super(JobActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A job the element shows has finished (seen on the live stream). */
export class JobFinishedEvent extends Event {
  static readonly eventName = 'job-finished';
  constructor(
    /** The job as it ended. */
    readonly job: Job,
  ) {
    super(JobFinishedEvent.eventName, { bubbles: true, composed: true });
  }
}

/** A job was launched by the kit (`launchAndFollow()`); fired by the progress dialog that follows it. */
export class JobLaunchedEvent extends Event {
  static readonly eventName = 'job-launched';
  constructor(
    /** The job as the launch answered it. */
    readonly job: Job,
  ) {
    super(JobLaunchedEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'job-launched': JobLaunchedEvent;
    'job-open': JobOpenEvent;
    'job-action': JobActionEvent;
    'job-finished': JobFinishedEvent;
  }
}
