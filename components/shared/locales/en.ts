import type { BulkAction, KnownJobStatus } from '../../../sdk/index.js';

/** Every string the elements show. `fr` must give them all; `registerLocale()` takes any part of them. */
export interface Messages {
  status: Record<KnownJobStatus, string>;
  warnings: (count: number) => string;
  errors: (count: number) => string;
  percent: (value: number) => string;
  columns: {
    status: string;
    report: string;
    type: string;
    id: string;
    user: string;
    start: string;
    waiting: string;
    processing: string;
    end: string;
    host: string;
    email: string;
  };
  jobs: string;
  actionsColumn: string;
  chooseColumns: string;
  filters: string;
  statusFilter: string;
  statusAll: string;
  statusProcessed: string;
  statusUnprocessed: string;
  userFilter: string;
  anyUser: string;
  typeFilter: string;
  anyType: string;
  from: string;
  to: string;
  search: string;
  refresh: string;
  total: (count: number, exact: boolean) => string;
  selectJob: (id: string) => string;
  selectLoaded: string;
  selected: (count: number) => string;
  clearSelection: string;
  action: Record<BulkAction, string>;
  confirmTitle: (action: BulkAction, count: number) => string;
  cannotUndo: string;
  cancel: string;
  done: (action: BulkAction, id: string) => string;
  bulkDone: (action: BulkAction, succeeded: number, failed: number) => string;
  failedFor: (id: string, reason: string) => string;
  dismiss: string;
  pending: (count: number) => string;
  loading: string;
  loadingMore: string;
  empty: string;
  loadFailed: string;
  retry: string;
  openReport: (id: string) => string;
  report: string;
  pauseLive: string;
  resumeLive: string;
  /** The stream is down for more than a moment (the tracker's live status). */
  liveInterrupted: string;
  /** The server refused the stream (401/403): no more live changes, but Refresh still loads them. */
  liveStopped: string;
  // Progress dialog, toasts, dashboard widget and report (see FollowMessages below).
  follow: FollowMessages;
}

/** Strings of `<job-progress-dialog>`, `<job-toasts>`, `<job-dashboard-widget>` and `<job-report>`. */
export interface FollowMessages {
  close: string;
  jobTitle: (id: string) => string;
  notFound: string;
  viewReport: string;
  launchedAt: string;
  options: string;
  noOptions: string;
  progress: string;
  preparing: string;
  timeLeft: (duration: string) => string;
  waiting: (ahead: number | null) => string;
  noUpdate: (duration: string) => string;
  stopping: (duration: string) => string;
  keepsRunning: string;
  result: string;
  finishedIn: (duration: string) => string;
  jobLoadFailed: string;
  notificationsLoadFailed: string;
  toastsRegion: string;
  started: (typeLabel: string) => string;
  startedMany: (count: number) => string;
  ended: (typeLabel: string, status: string) => string;
  grouped: (counts: { succeeded: number; failed: number; interrupted: number }) => string;
  showAll: string;
  seeAll: string;
  lastOperations: string;
  noOperations: string;
  operationsLoadFailed: string;
  summary: string;
  steps: string;
  step: string;
  duration: string;
  counters: string;
  /**
   * Labels of the counters handlers keep (`count('read')`), by name; a counter without one shows its name. A locale
   * registered in part adds its own to these rather than replacing them.
   */
  counterNames: Record<string, string>;
  attempt: (attempt: number, max: number) => string;
  attemptLabel: string;
  errorCode: string;
  requeuedFrom: string;
  interruptedBy: string;
  keptUntil: string;
  messages: string;
  level: Record<'info' | 'warning' | 'error', string>;
  levelFilter: string;
  levelChoice: Record<'problems' | 'error' | 'warning' | 'all', string>;
  noMessages: string;
  loadMore: string;
  item: string;
  when: string;
  files: string;
  noFiles: string;
  fileRole: (role: string) => string;
  download: (fileName: string) => string;
  reportLoadFailed: string;
  messagesLoadFailed: string;
}

const past: Record<BulkAction, string> = { requeue: 'requeued', interrupt: 'interrupted', delete: 'deleted' };
// Counts are grouped as the language writes them ("12,345 jobs"): a tracker can list hundreds of thousands.
const number = new Intl.NumberFormat('en').format;
const plural = (count: number, one: string, many: string) => `${number(count)} ${count === 1 ? one : many}`;

export const en: Messages = {
  status: {
    queued: 'Queued',
    running: 'Running',
    interrupting: 'Stopping',
    succeeded: 'Succeeded',
    failed: 'Failed',
    interrupted: 'Interrupted',
  },
  warnings: (count) => plural(count, 'warning', 'warnings'),
  errors: (count) => plural(count, 'error', 'errors'),
  percent: (value) => `${value}%`,
  columns: {
    status: 'Status',
    report: 'Report',
    type: 'Type',
    id: 'ID',
    user: 'User',
    start: 'Started',
    waiting: 'Waiting',
    processing: 'Processing',
    end: 'Ended',
    host: 'Host',
    email: 'E-mail',
  },
  jobs: 'Jobs',
  actionsColumn: 'Actions',
  chooseColumns: 'Columns',
  filters: 'Filters',
  statusFilter: 'Status',
  statusAll: 'All',
  statusProcessed: 'Processed',
  statusUnprocessed: 'Unprocessed',
  userFilter: 'User',
  anyUser: 'All users',
  typeFilter: 'Type',
  anyType: 'All types',
  from: 'From',
  to: 'To',
  search: 'Search',
  refresh: 'Refresh',
  total: (count, exact) => (exact ? plural(count, 'job', 'jobs') : `More than ${number(count)} jobs`),
  selectJob: (id) => `Select job ${id}`,
  selectLoaded: 'Select all loaded jobs',
  selected: (count) => `${number(count)} selected`,
  clearSelection: 'Clear selection',
  action: { requeue: 'Requeue', interrupt: 'Interrupt', delete: 'Delete' },
  confirmTitle: (action, count) => `${en.action[action]} ${count === 1 ? 'this job' : `these ${number(count)} jobs`}?`,
  cannotUndo: 'This cannot be undone.',
  cancel: 'Cancel',
  done: (action, id) => `Job ${id} ${past[action]}.`,
  bulkDone: (action, succeeded, failed) => `${number(succeeded)} ${past[action]}, ${number(failed)} refused.`,
  failedFor: (id, reason) => `Job ${id}: ${reason}`,
  dismiss: 'Dismiss',
  pending: (count) => `${plural(count, 'change', 'changes')} — show`,
  loading: 'Loading jobs…',
  loadingMore: 'Loading more jobs…',
  empty: 'No jobs match these filters.',
  loadFailed: 'The jobs could not be loaded.',
  retry: 'Retry',
  openReport: (id) => `Open the report of job ${id}`,
  report: 'Report',
  pauseLive: 'Pause live updates',
  resumeLive: 'Resume live updates',
  liveInterrupted: 'Live updates interrupted — reconnecting…',
  liveStopped: 'Live updates stopped — refresh to see changes',
  // Progress dialog, toasts, dashboard widget and report.
  follow: {
    close: 'Close',
    jobTitle: (id) => `Job ${id}`,
    notFound: 'This job does not exist, or it is not yours to see.',
    viewReport: 'Open the report',
    launchedAt: 'Launched',
    options: 'Options',
    noOptions: 'No options',
    progress: 'Progress',
    preparing: 'Starting…',
    timeLeft: (duration) => `About ${duration} left`,
    waiting: (ahead) => (ahead ? `Waiting: ${plural(ahead, 'job', 'jobs')} ahead` : 'Waiting to start'),
    noUpdate: (duration) => `No update for ${duration}`,
    stopping: (duration) => `Stopping… ${duration}`,
    keepsRunning: 'Closing this window does not stop the job.',
    result: 'Result',
    finishedIn: (duration) => `Took ${duration}`,
    jobLoadFailed: 'The job could not be loaded.',
    notificationsLoadFailed: 'Your notifications could not be loaded.',
    toastsRegion: 'Job notifications',
    started: (typeLabel) => `${typeLabel} started`,
    startedMany: (count) => `${number(count)} jobs started`,
    ended: (typeLabel, status) => `${typeLabel}: ${status}`,
    grouped: ({ succeeded, failed, interrupted }) =>
      [
        succeeded ? `${number(succeeded)} finished` : '',
        failed ? `${number(failed)} failed` : '',
        interrupted ? `${number(interrupted)} interrupted` : '',
      ]
        .filter(Boolean)
        .join(', '),
    showAll: 'Show them',
    seeAll: 'See all',
    lastOperations: 'Last operations',
    noOperations: 'No operations yet.',
    operationsLoadFailed: 'Your last operations could not be loaded.',
    summary: 'Summary',
    steps: 'Steps',
    step: 'Step',
    duration: 'Duration',
    counters: 'Counts',
    counterNames: {
      read: 'read',
      written: 'written',
      skipped: 'skipped',
      created: 'created',
      updated: 'updated',
      deleted: 'deleted',
      failed: 'failed',
    },
    attempt: (attempt, max) => `${attempt} of ${max}`,
    attemptLabel: 'Attempt',
    errorCode: 'Error code',
    requeuedFrom: 'Requeued from',
    interruptedBy: 'Interrupted by',
    keptUntil: 'Kept until',
    messages: 'Warnings and errors',
    level: { info: 'Info', warning: 'Warning', error: 'Error' },
    levelFilter: 'Show',
    levelChoice: { problems: 'Warnings and errors', error: 'Errors', warning: 'Warnings', all: 'Everything' },
    noMessages: 'No messages.',
    loadMore: 'Load more',
    item: 'Item',
    when: 'When',
    files: 'Files',
    noFiles: 'No files.',
    fileRole: (role) => ({ input: 'Input file', output: 'Output file' })[role] ?? role,
    download: (fileName) => `Download ${fileName}`,
    reportLoadFailed: 'The report could not be loaded.',
    messagesLoadFailed: 'The messages could not be loaded.',
  },
};
