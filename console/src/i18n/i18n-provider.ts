/**
 * Korean and English through ra-i18n-polyglot: Korean first (the NOC's language), switchable
 * from the app bar and the sign-in page, remembered by react-admin's store (localStorage).
 * Region names come from the model in both languages; dates and times are shown in Asia/Seoul
 * whatever the browser's own zone.
 */
import { REGIONS } from '@smart-fleet/model/regions';
import polyglotI18nProvider from 'ra-i18n-polyglot';
import englishMessages from 'ra-language-english';
import { graphqlEnumName } from '../data/enum-names.ts';
import { en } from './en.ts';
import { ko } from './ko.ts';
import { raKorean } from './ra-korean.ts';

export const LOCALES = [
  { locale: 'ko', name: '한국어' },
  { locale: 'en', name: 'English' },
] as const;
export type Locale = (typeof LOCALES)[number]['locale'];
export const DEFAULT_LOCALE: Locale = 'ko';
export const TIME_ZONE = 'Asia/Seoul';

/** Region labels keyed by the API's enum names (SEOUL), from the model's two names. */
export function regionLabels(locale: Locale): Record<string, string> {
  return Object.fromEntries(
    REGIONS.map((r) => [graphqlEnumName(r.code), locale === 'ko' ? r.nameKo : r.name]),
  );
}

export function messagesFor(locale: string) {
  const lang: Locale = locale === 'en' ? 'en' : 'ko';
  const app = lang === 'en' ? en : ko;
  const ra = lang === 'en' ? englishMessages : raKorean;
  return { ...ra, ...app, app: { ...app.app, region: regionLabels(lang) } };
}

export const i18nProvider = polyglotI18nProvider(messagesFor, DEFAULT_LOCALE, [...LOCALES], {
  allowMissing: true,
});

const formatters = new Map<string, Intl.DateTimeFormat>();

function seoulFormat(locale: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${withDate}`;
  let format = formatters.get(key);
  if (!format) {
    const date = withDate
      ? { year: 'numeric', month: '2-digit', day: '2-digit', timeZoneName: 'short' }
      : { second: '2-digit' };
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'ko-KR', {
      timeZone: TIME_ZONE,
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
      ...(date as Intl.DateTimeFormatOptions),
    });
    formatters.set(key, format);
  }
  return format;
}

/** A date and time in Korea's zone, in the reader's language. */
export function formatSeoulTime(
  value: string | number | Date | null | undefined,
  locale: string,
  withDate = true,
): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '—' : seoulFormat(locale, withDate).format(date);
}

export function formatNumber(value: number | null | undefined, locale: string, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return '—';
  }
  return value.toLocaleString(locale === 'en' ? 'en-GB' : 'ko-KR', { maximumFractionDigits: digits });
}
