import { Command } from '@nestjs/cqrs';
import type { ImportFormat, ImportReport } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

export interface UploadedImportFile {
  /** Where the upload was spooled to disk; read as a stream, deleted by the caller. */
  readonly path: string;
  readonly originalName: string;
  readonly size: number;
}

export class ImportRecommendationsCommand extends Command<ImportReport> {
  constructor(
    readonly file: UploadedImportFile,
    readonly format: ImportFormat | undefined,
    readonly dryRun: boolean,
    readonly context: RequestContext,
  ) {
    super();
  }
}
