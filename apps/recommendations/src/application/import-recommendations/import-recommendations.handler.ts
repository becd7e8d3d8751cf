import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  canonicalJson,
  CreateRecommendationRequest,
  type ImportRejection,
  type ImportReport,
} from '@tracker/contracts';
import { metadataFor, problem, ProblemError } from '@tracker/platform';
import type { RecommendationDraft } from '../../domain/recommendation';
import { UnrecognisedHeadersError } from '../../infrastructure/import/columns';
import {
  BadImportFileError,
  detectFormat,
  readerFor,
  type SourceRow,
} from '../../infrastructure/import/readers';
import { detectFileEncoding } from '../../infrastructure/import/text-encoding';
import { RecommendationRepository } from '../../infrastructure/recommendation.repository';
import {
  draftFromRequest,
  recommendationIdFor,
} from '../create-recommendation/create-recommendation.command';
import { ImportRecommendationsCommand } from './import-recommendations.command';

const BATCH = 1000;
const PROGRESS_EVERY = 5000;

interface Candidate {
  readonly row: number;
  readonly id: string;
  readonly draft: RecommendationDraft;
}

const describeIssues = (error: { issues: readonly { path: PropertyKey[]; message: string }[] }): string =>
  error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(row)'}: ${i.message}`)
    .join('; ');

/**
 * Streams an uploaded file row by row, validates each row with the API's create schema, and creates
 * the recommendations in batches through the aggregate's own decide(): a row already imported decides
 * no event (unchanged), a bad row is reported and skipped, never aborting the others.
 */
@CommandHandler(ImportRecommendationsCommand)
export class ImportRecommendationsHandler implements ICommandHandler<
  ImportRecommendationsCommand,
  ImportReport
> {
  private readonly logger = new Logger('ImportRecommendations');

  constructor(private readonly repository: RecommendationRepository) {}

  async execute(command: ImportRecommendationsCommand): Promise<ImportReport> {
    const { file, dryRun } = command;
    const started = Date.now();
    try {
      const format = command.format ?? (await detectFormat(file.path, file.originalName));
      // Text files are read in the encoding their bytes show (text-encoding.ts); the report says which.
      const encoding = format === 'xlsx' ? undefined : (await detectFileEncoding(file.path)).encoding;
      const metadata = metadataFor(command.context, new Date(), `import of ${file.originalName || 'a file'}`);
      let read = 0;
      let created = 0;
      let unchanged = 0;
      const rejected: ImportRejection[] = [];
      /** Natural key → content hash and first row, across the whole file. */
      const seen = new Map<string, { hash: string; row: number }>();
      let batch: Candidate[] = [];
      /** Set once a batch turned out mostly known already: the rest of the file is likely too. */
      let readFirst = false;

      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        const outcomes = await this.repository.createMany(batch, metadata, { dryRun, readFirst });
        readFirst = outcomes.filter((o) => o === 'unchanged').length * 2 > outcomes.length;
        outcomes.forEach((o, i) => {
          if (o === 'created') created += 1;
          else if (o === 'unchanged') unchanged += 1;
          else rejected.push({ row: batch[i]!.row, reason: o.rejected });
        });
        batch = [];
      };

      const accept = (source: SourceRow): void => {
        if ('error' in source) return void rejected.push({ row: source.row, reason: source.error });
        const { mapped } = source;
        let request = mapped.request;
        for (let n = 2; ; n += 1) {
          const parsed = CreateRecommendationRequest.safeParse(request);
          if (!parsed.success)
            return void rejected.push({ row: source.row, reason: describeIssues(parsed.error) });
          const key = parsed.data.externalKey!;
          const hash = createHash('sha256').update(canonicalJson(parsed.data)).digest('base64');
          const before = seen.get(key);
          if (before?.hash === hash) return void (unchanged += 1); // the same row twice in one file
          if (before && !mapped.derivedKey) {
            return void rejected.push({
              row: source.row,
              reason: `externalKey ${key} is used by row ${before.row} with different content`,
            });
          }
          if (before) {
            // Two different rows derive the same key (e.g. one paragraph split in two): number them in file order.
            request = { ...mapped.request, externalKey: `${String(mapped.request.externalKey)}:${n}` };
            continue;
          }
          seen.set(key, { hash, row: source.row });
          batch.push({ row: source.row, id: recommendationIdFor(key), draft: draftFromRequest(parsed.data) });
          return;
        }
      };

      for await (const source of readerFor(format, file.path, encoding)) {
        read += 1;
        accept(source);
        if (batch.length >= BATCH) await flush();
        if (read % PROGRESS_EVERY === 0)
          this.logger.log(
            { read, created, unchanged, rejected: rejected.length, file: file.originalName },
            'import progress',
          );
      }
      await flush();
      if (read === 0)
        throw new BadImportFileError('empty-file', 'the file has a header but no data rows', 400);
      const report: ImportReport = {
        format,
        ...(encoding ? { encoding } : {}),
        dryRun,
        read,
        created,
        unchanged,
        rejected,
      };
      this.logger.log(
        { ...report, rejected: rejected.length, ms: Date.now() - started, file: file.originalName },
        'import finished',
      );
      return report;
    } catch (err) {
      if (err instanceof BadImportFileError)
        throw new ProblemError(problem(err.status, err.slug, err.message));
      if (err instanceof UnrecognisedHeadersError)
        throw new ProblemError(problem(422, 'unrecognised-headers', err.message));
      throw err;
    }
  }
}
