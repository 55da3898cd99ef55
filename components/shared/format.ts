/** Time and duration formatting with `Intl`, cached per language and time zone (formatters are costly to build). */

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const unitFormats = new Map<string, Intl.NumberFormat>();

function dateTimeFormat(lang: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium', timeZone });
    } catch {
      // An unknown time zone from an attribute must not break the table: fall back to the browser's own.
      format = new Intl.DateTimeFormat(lang, { dateStyle: 'short', timeStyle: 'medium' });
    }
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** A date and time in the locale and time zone (the browser's when none is given); empty for null. */
export function formatDateTime(iso: string | null | undefined, lang: string, timeZone?: string): string {
  return iso ? dateTimeFormat(lang, timeZone).format(new Date(iso)) : '';
}

function unit(lang: string, name: 'second' | 'minute' | 'hour' | 'day', value: number): string {
  const key = `${lang}|${name}`;
  let format = unitFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, { style: 'unit', unit: name, unitDisplay: 'short' });
    unitFormats.set(key, format);
  }
  return format.format(value);
}

/** A duration for people: its two largest units ("3 min 5 sec", "2 hr 4 min"), floored to the second. */
export function formatDuration(ms: number | null | undefined, lang: string): string {
  if (ms == null || ms < 0) return '';
  const seconds = Math.floor(ms / 1000);
  const parts: Array<['day' | 'hour' | 'minute' | 'second', number]> = [
    ['day', Math.floor(seconds / 86400)],
    ['hour', Math.floor(seconds / 3600) % 24],
    ['minute', Math.floor(seconds / 60) % 60],
    ['second', seconds % 60],
  ];
  const first = parts.findIndex(([, value]) => value > 0);
  if (first === -1) return unit(lang, 'second', 0);
  return parts
    .slice(first, first + 2)
    .filter(([, value], index) => index === 0 || value > 0)
    .map(([name, value]) => unit(lang, name, value))
    .join(' ');
}
