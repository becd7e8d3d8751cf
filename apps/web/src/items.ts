import type { TrackerItemBody } from '@tracker/contracts';
// The contracts' own list, from its zod-free module (the app imports only types from the package).
import { ASSESSMENT_STATUSES } from '../../../libs/contracts/src/follow-up/assessment-statuses';
import type { Language } from './i18n/i18n';

export type TrackerItem = TrackerItemBody;
/** Statuses an item's latest assessment can have, in the order of progress; `none` = never assessed. */
export { ASSESSMENT_STATUSES };
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];
export const STATUS_FILTERS = ['none', ...ASSESSMENT_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const isStatusFilter = (v: string | null): v is StatusFilter =>
  v !== null && (STATUS_FILTERS as readonly string[]).includes(v);

/** The data's own French text where it has one (Mali is francophone), else the English. */
export const inLanguage = (text: { en: string; fr: string | null }, language: Language): string =>
  language === 'fr' && text.fr ? text.fr : text.en;

/** What names an item in a list: a recommendation's text or a commitment's title. */
export const itemTitle = (item: TrackerItem, language: Language): string => {
  if (item.commitment) return inLanguage(item.commitment.title, language);
  if (item.recommendation) return inLanguage(item.recommendation.text, language);
  return item.itemId;
};

/**
 * `en` when the reader asked for French and the item has no French text, so what is shown is English:
 * marked with `lang` for screen readers (and the French UI check, which allows marked English).
 */
export const itemTitleLang = (item: TrackerItem, language: Language): 'en' | undefined => {
  const text = item.commitment?.title ?? item.recommendation?.text;
  return language === 'fr' && text && !text.fr ? 'en' : undefined;
};

export const itemCitation = (item: TrackerItem): string =>
  item.recommendation?.citation ?? item.commitment?.madeAt.citation ?? '';
