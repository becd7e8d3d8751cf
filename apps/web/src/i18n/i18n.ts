import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { labelOf, type Language, type Vocabulary } from '../../../../libs/contracts/src/labels';
import { en, type Catalogue, type MessageKey } from './en';
import { fr } from './fr';

export type { Language };
export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, fr };

const STORAGE_KEY = 'tracker.language';

/** The language chosen before (remembered in this browser), else the browser's, else French (Mali). */
export const initialLanguage = (): Language => {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'fr') return stored;
  const browser = navigator.language.toLowerCase();
  return browser.startsWith('en') ? 'en' : 'fr';
};

export const rememberLanguage = (language: Language): void => {
  localStorage.setItem(STORAGE_KEY, language);
  document.documentElement.lang = language;
};

export type Params = Readonly<Record<string, string | number>>;

export const translate = (language: Language, key: MessageKey, params: Params = {}): string =>
  CATALOGUES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );

export interface I18n {
  readonly language: Language;
  readonly t: (key: MessageKey, params?: Params) => string;
  /** The label of an API vocabulary value (status, mechanism, role, position); the value itself if unknown. */
  readonly label: (vocabulary: Vocabulary, value: string) => string;
  /** A calendar date (YYYY-MM-DD, or YYYY-MM / YYYY as documents give them) or an instant, in the language. */
  readonly date: (value: string) => string;
  readonly number: (value: number) => string;
  readonly setLanguage: (language: Language) => void;
}

const PARTIAL_DATE = /^\d{4}(-\d{2})?$/;

export const i18nFor = (language: Language, setLanguage: (l: Language) => void): I18n => {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const numbers = new Intl.NumberFormat(locale);
  return {
    language,
    t: (key, params) => translate(language, key, params),
    label: (vocabulary, value) => labelOf(vocabulary, value, language) ?? value,
    // A document dated only by month or year keeps that precision rather than gaining a made-up day.
    date: (value) => {
      if (PARTIAL_DATE.test(value)) return value;
      const at = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
      return Number.isNaN(at.getTime()) ? value : dates.format(at);
    },
    number: (value) => numbers.format(value),
    setLanguage,
  };
};

export const I18nContext = createContext<I18n>(i18nFor('en', () => undefined));
export const useI18n = (): I18n => useContext(I18nContext);
