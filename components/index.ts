/**
 * The job tracker kit's elements. Importing this module registers them; importing it again (or a second copy of
 * the kit) is harmless: a tag already defined is left as is.
 */
export { JobDashboardWidget } from './job-dashboard-widget/job-dashboard-widget.js';
export { displayedPercent, JobProgressDialog } from './job-progress-dialog/job-progress-dialog.js';
export { type LaunchAndFollowOptions, launchAndFollow } from './job-progress-dialog/launch-and-follow.js';
export { JobReport } from './job-report/job-report.js';
export { JobStatusBadge } from './job-status-badge/job-status-badge.js';
export { JobToasts } from './job-toasts/job-toasts.js';
export { JobTracker } from './job-tracker/job-tracker.js';
export { configure, type KitConfig } from './shared/config.js';
export {
  JobActionEvent,
  type JobActionOutcome,
  JobFinishedEvent,
  JobLaunchedEvent,
  JobOpenEvent,
} from './shared/events.js';
export { type LocaleMessages, type Messages, registerLocale } from './shared/localize.js';
