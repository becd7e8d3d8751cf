import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { IsoDate, PositionValue } from './vocabulary';

export const RecommendationPositionRecordedData = z.strictObject({
  recommendationId: z.uuid(),
  position: z.strictObject({
    value: PositionValue,
    date: IsoDate.nullable(),
    source: z.string().min(1).max(300).nullable(),
  }),
});
export type RecommendationPositionRecordedData = z.infer<typeof RecommendationPositionRecordedData>;

export const RecommendationPositionRecorded = defineEvent(
  'recommendation.position-recorded',
  1,
  RecommendationPositionRecordedData,
);
export type RecommendationPositionRecorded = EventOf<typeof RecommendationPositionRecorded>;
