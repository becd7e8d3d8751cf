import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { Assessment } from './domain/assessment';
import { AssessmentHistoryHandler } from './application/queries/assessment-history.query';
import { DashboardHandler } from './application/queries/dashboard.query';
import { GetTrackerItemHandler } from './application/queries/get-tracker-item.query';
import { ListTrackerHandler } from './application/queries/list-tracker.query';
import { TrackerReader } from './application/queries/tracker-reader';
import { RecordAssessmentHandler } from './application/record-assessment/record-assessment.handler';
import { AssessmentRepository } from './infrastructure/assessment.repository';
import { ASSESSABLE_ITEMS } from './domain/assessable-items';
import { CommitmentInstitutions } from './infrastructure/commitment-institutions';
import { trackerItemProjection } from './infrastructure/tracker-item.projection';
import { TrackerIndexes } from './infrastructure/tracker-indexes';
import { AlertFeed } from './infrastructure/alert-feed';
import { AlertAccess } from './application/alerts/alert-access';
import { MarkStaleHandler } from './application/mark-stale/mark-stale.handler';
import { SetStalePeriodHandler } from './application/set-stale-period/set-stale-period.handler';
import { assessmentActivityProjection } from './infrastructure/assessment-activity.projection';
import { StaleAssessmentMonitor, STALE_OPTIONS } from './infrastructure/stale-assessment-monitor';
import { StalenessRepository } from './infrastructure/staleness.repository';
import { staleOptionsFromEnv, type StaleOptions } from './follow-up.config';
import { Staleness } from './domain/staleness';
import { AlertsController } from './interface/http/alerts.controller';
import { Recipient } from './domain/recipient';
import { RegisterRecipientHandler } from './application/register-recipient/register-recipient.handler';
import { RemoveRecipientHandler } from './application/remove-recipient/remove-recipient.handler';
import { UpdateRecipientHandler } from './application/update-recipient/update-recipient.handler';
import { RecipientRepository } from './infrastructure/recipient.repository';
import { DigestMailer } from './infrastructure/mail/digest-mailer';
import { LapseMailer } from './infrastructure/mail/lapse-mailer';
import { MAIL_OPTIONS, mailOptionsFromEnv, type MailOptions } from './infrastructure/mail/mail.config';
import { MailOutbox } from './infrastructure/mail/mail-outbox';
import { recipientsProjection } from './infrastructure/mail/recipients.projection';
import { SmtpTransport } from './infrastructure/mail/smtp-transport';
import { MailController } from './interface/http/mail.controller';
import { RecipientsController } from './interface/http/recipients.controller';
import { AssessmentsController } from './interface/http/assessments.controller';
import { StalePeriodController } from './interface/http/stale-period.controller';
import { TrackerController } from './interface/http/tracker.controller';
import { ReportsController } from './interface/http/reports.controller';
import { ImplementationReportHandler } from './application/implementation-report/implementation-report.query';
import { reportIndexProjection } from './infrastructure/report-index.projection';

export const SERVICE_NAME = 'follow-up';

@Module({})
export class FollowUpModule {
  /**
   * `stale` and `mail` default to the ASSESSMENT_STALE_* and MAIL_* variables, validated here: a bad value
   * stops the boot.
   */
  static forRoot(
    config: BaseConfig,
    stale: StaleOptions = staleOptionsFromEnv(),
    mail: MailOptions = mailOptionsFromEnv(),
  ): DynamicModule {
    return {
      module: FollowUpModule,
      imports: [
        loggerModule(config, SERVICE_NAME),
        CqrsModule.forRoot(),
        ServiceCoreModule.forRoot(config, {
          name: SERVICE_NAME,
          ownTopic: Topics.followUp,
          aggregates: [Assessment, Staleness, Recipient],
          projections: [
            projectionOn(trackerItemProjection, [
              Topics.recommendations,
              Topics.commitments,
              Topics.followUp,
            ]),
            projectionOn(assessmentActivityProjection, [
              Topics.recommendations,
              Topics.commitments,
              Topics.followUp,
            ]),
            projectionOn(reportIndexProjection, [
              Topics.recommendations,
              Topics.commitments,
              Topics.followUp,
            ]),
            projectionOn(recipientsProjection, [Topics.followUp]),
          ],
        }),
      ],
      controllers: [
        TrackerController,
        AssessmentsController,
        AlertsController,
        StalePeriodController,
        ReportsController,
        RecipientsController,
        MailController,
      ],
      providers: [
        AssessmentRepository,
        TrackerReader,
        TrackerIndexes,
        RecordAssessmentHandler,
        AssessmentHistoryHandler,
        GetTrackerItemHandler,
        ListTrackerHandler,
        DashboardHandler,
        ImplementationReportHandler,
        AlertFeed,
        AlertAccess,
        CommitmentInstitutions,
        { provide: ASSESSABLE_ITEMS, useExisting: CommitmentInstitutions },
        StalenessRepository,
        MarkStaleHandler,
        SetStalePeriodHandler,
        { provide: STALE_OPTIONS, useValue: stale },
        StaleAssessmentMonitor,
        RecipientRepository,
        RegisterRecipientHandler,
        UpdateRecipientHandler,
        RemoveRecipientHandler,
        { provide: MAIL_OPTIONS, useValue: mail },
        SmtpTransport,
        MailOutbox,
        LapseMailer,
        DigestMailer,
      ],
    };
  }
}
