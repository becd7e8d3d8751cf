import type { ApiProblem } from '../api';
import { useI18n } from '../i18n/i18n';

/** A problem the API answered, said in the reader's language where the app knows it. */
export const ProblemMessage = ({ problem }: { problem: ApiProblem }) => {
  const { t } = useI18n();
  const text =
    problem.status === 0
      ? t('error.network')
      : problem.status === 404
        ? t('item.notFound')
        : t('error.problem', { detail: problem.detail ?? problem.title });
  return (
    <p class="problem" role="alert">
      {text}
    </p>
  );
};
