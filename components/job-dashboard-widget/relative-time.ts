const formats = new Map<string, Intl.RelativeTimeFormat>();

const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 min ago", "yesterday"… in the language, from Intl; the absolute time belongs in a title next to it. */
export function relativeTime(iso: string, now: number, lang: string): string {
  let format = formats.get(lang);
  if (!format) {
    format = new Intl.RelativeTimeFormat(lang, { numeric: 'auto', style: 'short' });
    formats.set(lang, format);
  }
  // Seconds are floored towards the past so a job just created never reads "in 1 sec" on a skewed clock.
  let value = Math.min(0, Math.round((Date.parse(iso) - now) / 1000));
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return format.format(value, unit);
    value = Math.trunc(value / size);
  }
  return '';
}
