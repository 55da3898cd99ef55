import { Task } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { Job, JobDetail, StreamEvent } from '../../sdk/index.js';
import { ConfigController, clientFor, configVersion } from './config.js';
import { isFinished, isNewer } from './job-state.js';
import { LiveController } from './live.js';

/** What a host gives the follower. */
export interface JobFollowerConfig {
  /** The host's `base-url`, read at each load. */
  baseUrl: () => string | undefined;
  /** The job to follow; nothing is loaded while it is empty. */
  jobId: () => string | undefined;
  /** Each new state of the job: the load and every live change. */
  onChange?: (job: JobDetail) => void;
  /** The job was seen ending (live, or on a reload after it was seen unfinished); called once per job. */
  onFinished?: (job: JobDetail) => void;
}

/**
 * Follows one job live: `GET /jobs/{id}` through a `@lit/task` (its signal passed to the SDK), then the page's
 * shared stream, merging each `job.updated`/`job.finished` and `job.progress` into the detail (which keeps its
 * parameters and options, absent from events). Promises: the host re-renders at each change; after a gap in the
 * stream (tab hidden, reset, `configure()`), or on `reload()`, the job is fetched again.
 */
export class JobFollower {
  /** The job as last known, or undefined before the first load. */
  job: JobDetail | undefined;
  /** The load; render its pending and error states. Its value is the job as loaded. */
  readonly task: Task<readonly [string | undefined, string | undefined, number, number], JobDetail | undefined>;
  private reloads = 0;
  private version = configVersion();
  private finishedId: string | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly config: JobFollowerConfig,
  ) {
    new ConfigController(host, () => this.onConfigured());
    this.task = new Task(host, {
      task: async ([baseUrl, id], { signal }) => {
        if (!id) return undefined;
        if (this.job && this.job.id !== id) this.job = undefined;
        const job = await clientFor(baseUrl).getJob(id, { signal });
        const known = this.job;
        if (known?.id === job.id && isNewer(known, job)) return known;
        this.accept(job);
        return job;
      },
      args: () => [this.config.baseUrl(), this.config.jobId(), this.reloads, this.version] as const,
    });
    new LiveController(host, {
      client: () => clientFor(this.config.baseUrl()),
      onEvent: (event) => this.onEvent(event),
      onResync: () => this.reload(),
    });
  }

  /** Fetches the job again (e.g. when a dialog is re-opened). */
  reload(): void {
    this.reloads++;
    this.host.requestUpdate();
  }

  private readonly onConfigured = (): void => {
    this.version = configVersion();
    this.host.requestUpdate();
  };

  private accept(job: JobDetail): void {
    const previous = this.job?.id === job.id ? this.job : undefined;
    this.job = job;
    this.config.onChange?.(job);
    const seenRunning = previous !== undefined && !isFinished(previous);
    if (isFinished(job) && seenRunning && this.finishedId !== job.id) {
      this.finishedId = job.id;
      this.config.onFinished?.(job);
    }
    this.host.requestUpdate();
  }

  private onEvent(event: StreamEvent): void {
    const job = this.job;
    if (!job) return;
    switch (event.type) {
      case 'job.updated':
      case 'job.finished': {
        const changed = (event as Extract<StreamEvent, { job: Job }>).job;
        if (changed.id === job.id) this.accept({ ...job, ...changed });
        return;
      }
      case 'job.progress':
        if (event.jobId !== job.id) return;
        this.accept({
          ...job,
          progress: event.progress,
          warnings: event.warnings,
          errors: event.errors,
          lastHeartbeatAt: event.lastHeartbeatAt ?? job.lastHeartbeatAt,
        });
        return;
      case 'job.deleted':
        if (event.jobId === job.id) this.reload();
        return;
      case 'reset':
        this.reload();
    }
  }
}
