import type { JobDetail, LaunchOptions } from '../../sdk/index.js';
import { clientFor } from '../shared/config.js';
import { JobLaunchedEvent } from '../shared/events.js';
import { JobProgressDialog } from './job-progress-dialog.js';

/** Options of {@link launchAndFollow}: the SDK's launch options plus where to show the job. */
export interface LaunchAndFollowOptions extends LaunchOptions {
  /** The dialog to open; when absent a new one is added to `document.body` and removed once closed. */
  dialog?: JobProgressDialog;
  /** The jobs API root; defaults to the dialog's `base-url`, then to the configured one. */
  baseUrl?: string;
  /** Report URL template for the result's link (`/jobs/{id}`); the given dialog's own when absent. */
  reportUrl?: string;
}

/**
 * Launches a job through the configured client and opens a progress dialog following it. Resolves to the job as
 * the launch answered it; rejects (with a `JobsApiError`) without opening anything when the launch is refused.
 * Call it from the user's click so focus returns to the launching button when the dialog closes.
 *
 * @example
 * button.addEventListener('click', () => launchAndFollow('product-import', { file }, { notifyByEmail: true }));
 */
export async function launchAndFollow(
  type: string,
  params: Record<string, unknown> = {},
  options: LaunchAndFollowOptions = {},
): Promise<JobDetail> {
  const { dialog: given, baseUrl, reportUrl, ...launchOptions } = options;
  const job = await clientFor(baseUrl ?? given?.baseUrl).launch(type, params, launchOptions);
  const dialog = given ?? new JobProgressDialog();
  if (baseUrl) dialog.baseUrl = baseUrl;
  if (reportUrl !== undefined) dialog.reportUrl = reportUrl;
  dialog.jobId = job.id;
  if (!given) {
    document.body.append(dialog);
    dialog.addEventListener('close', () => dialog.remove(), { once: true });
  }
  dialog.dispatchEvent(new JobLaunchedEvent(job));
  await dialog.show();
  return job;
}
