/** A job's report URL from a template such as `/jobs/{id}` (the elements' `report-url`); empty without one. */
export function fillReportUrl(template: string | undefined, jobId: string): string {
  return template ? template.replaceAll('{id}', encodeURIComponent(jobId)) : '';
}
