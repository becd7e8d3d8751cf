/**
 * Statuses an assessment can give an item, in the order of progress. Alone in a module without zod, so
 * that the staff web app (apps/web, bundled for the browser) takes the list itself, not a copy.
 */
export const ASSESSMENT_STATUSES = [
  'not-started',
  'in-progress',
  'partially-implemented',
  'implemented',
  'not-implemented',
] as const;
