/** RFC 4180 CSV writing (quotes only where needed), for the jobs export and the demo jobs' files. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = typeof value === 'string' && looksLikeFormula(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * Text a spreadsheet would run as a formula when the file is opened (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3`): it is
 * written with a leading apostrophe, which spreadsheets show as text (OWASP, "CSV injection"). Users name jobs'
 * subjects and products, and an export ends up in someone else's spreadsheet. A plain number, negative included,
 * is left as it is.
 */
function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text) && !/^[-+]?\d+(\.\d+)?$/.test(text);
}
