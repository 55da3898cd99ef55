/**
 * The demo app's pages, shared by the browser router and the server (which answers these paths with the app's
 * shell, so a reload or a link opened in a new tab lands on the right page).
 */
export type PageName = 'dashboard' | 'import' | 'optimise' | 'mass-edit' | 'tracker' | 'report';

export interface Route {
  name: PageName;
  /** For a report, the job ID from the path. */
  jobId?: string;
}

export const pagePaths = {
  dashboard: '/',
  import: '/imports/new',
  optimise: '/planning/optimise',
  'mass-edit': '/products/mass-edit',
  tracker: '/jobs',
} as const satisfies Record<Exclude<PageName, 'report'>, string>;

/** Where a job's report lives; the tracker's `report-url` template and the server's route use it. */
export const reportPathTemplate = '/jobs/{id}';

export function reportPath(jobId: string): string {
  return reportPathTemplate.replace('{id}', encodeURIComponent(jobId));
}

/** The page for a path, or null when the path is none of the app's. */
export function matchRoute(pathname: string): Route | null {
  for (const [name, path] of Object.entries(pagePaths)) {
    if (pathname === path) return { name: name as PageName };
  }
  const report = pathname.match(/^\/jobs\/([^/]+)$/);
  return report ? { name: 'report', jobId: decodeURIComponent(report[1]!) } : null;
}
