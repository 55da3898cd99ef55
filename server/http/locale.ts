/** The languages the reference server has labels in; the first is the fallback. */
export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

/** Picks the best supported language from an `Accept-Language` header (q-values honoured), English otherwise. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
  const ranges = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = Number(
        rest
          .find((p) => p.trim().startsWith('q='))
          ?.trim()
          .slice(2) ?? 1,
      );
      return { language: tag.trim().toLowerCase().split('-')[0]!, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((range) => range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (ranges.map((range) => range.language).find((language) => (locales as readonly string[]).includes(language)) ??
    'en') as Locale;
}
