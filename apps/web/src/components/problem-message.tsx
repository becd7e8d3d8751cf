import type { ApiProblem } from '../api';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';

/** What a problem means to the reader, in their language, by its status. */
const messageOf = (problem: ApiProblem): MessageKey => {
  if (problem.status === 0) return 'error.network';
  if (problem.status === 403) return 'error.forbidden';
  if (problem.status === 404) return 'item.notFound';
  if (problem.status === 429) return 'error.rateLimited';
  if (problem.status >= 500) return 'error.server';
  return 'error.problem';
};

/**
 * A problem the API answered: what it means in the reader's language, then the API's own detail for
 * the specifics. The API writes its details in English, so they are marked `lang="en"` (a screen
 * reader switches voice; the French UI check allows marked English).
 */
export const ProblemMessage = ({ problem }: { problem: ApiProblem }) => {
  const { t } = useI18n();
  const key = messageOf(problem);
  const detail = key === 'error.problem' || key === 'error.forbidden' ? problem.detail : null;
  return (
    <div class="problem" role="alert">
      <p>{t(key)}</p>
      {detail && (
        <p>
          {t('error.apiSays')} <span lang="en">{detail}</span>
        </p>
      )}
    </div>
  );
};

/**
 * A form's answer problem: with field errors (shown at their fields) only "fix the marked fields",
 * otherwise the problem itself.
 */
export const FormProblem = ({ problem }: { problem: ApiProblem }) => {
  const { t } = useI18n();
  return problem.errors.length > 0 ? (
    <p class="problem" role="alert">
      {t('assess.fix')}
    </p>
  ) : (
    <ProblemMessage problem={problem} />
  );
};
