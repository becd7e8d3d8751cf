import { auditKeys, mentionsOf, type EventRecord } from '../commit-document';
import { dayQualifiedKeys, MAX_TIME_RANGE_DAYS, TimeRangeTooWideError, timeKeys } from './event-history';

const REC = '5f0c8d8e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';
const COM = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe(mentionsOf.name, () => {
  it('lists the stream id and every id in the data, linked ones and ids inside text included', () => {
    const got = mentionsOf({
      streamId: `commitment-${COM}`,
      data: { commitmentId: COM, linkedRecommendationIds: [REC], note: `see ${REC.toUpperCase()}.` },
    });
    expect(got.sort()).toEqual([COM, REC, REC.toUpperCase()].sort());
  });

  it('finds overlapping candidates, so every UUID-shaped substring is listed', () => {
    // A 9-hex-digit run before the first dash: the UUID starts one character in.
    const text = `f${REC}`;
    expect(mentionsOf({ streamId: 'cluster-x', data: { text } })).toEqual([REC]);
  });

  it('lists nothing for a slug stream with no ids', () => {
    expect(mentionsOf({ streamId: 'cluster-torture', data: { clusterKey: 'torture' } })).toEqual([]);
  });
});

describe(auditKeys.name, () => {
  it('keys a commit by each type and actor of its events, its UTC day and hour, and both per day', () => {
    const e = (type: string, actor: string) => ({ type, metadata: { actor } }) as unknown as EventRecord;
    expect(auditKeys([e('a.b', 'alice'), e('a.c', 'alice')], new Date('2026-03-04T23:59:59.999Z'))).toEqual([
      'type:a.b',
      'type:a.c',
      'actor:alice',
      'day:2026-03-04',
      'hour:2026-03-04T23',
      'day:2026-03-04/type:a.b',
      'day:2026-03-04/type:a.c',
      'day:2026-03-04/actor:alice',
    ]);
  });
});

describe(dayQualifiedKeys.name, () => {
  it('asks a type or actor key on each day the range touches', () => {
    expect(
      dayQualifiedKeys('actor:a@b.org', new Date('2026-03-01T22:10:00Z'), new Date('2026-03-03T01:00:00Z')),
    ).toEqual([
      'day:2026-03-01/actor:a@b.org',
      'day:2026-03-02/actor:a@b.org',
      'day:2026-03-03/actor:a@b.org',
    ]);
  });
});

describe(timeKeys.name, () => {
  it('asks whole days by day and the partial days at either end hour by hour', () => {
    expect(timeKeys(new Date('2026-03-01T22:10:00Z'), new Date('2026-03-04T01:00:00Z'))).toEqual([
      'hour:2026-03-01T22',
      'hour:2026-03-01T23',
      'day:2026-03-02',
      'day:2026-03-03',
      'hour:2026-03-04T00',
      'hour:2026-03-04T01',
    ]);
    expect(timeKeys(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-02T23:59:59.999Z'))).toEqual([
      'day:2026-03-02',
    ]);
    expect(timeKeys(new Date('2026-03-02T05:00:00Z'), new Date('2026-03-01T00:00:00Z'))).toEqual([]);
  });

  it(`refuses a range of more than ${MAX_TIME_RANGE_DAYS} days`, () => {
    const from = new Date('2025-01-01T00:00:00Z');
    expect(timeKeys(from, new Date(from.getTime() + (MAX_TIME_RANGE_DAYS - 1) * 86_400_000))).toHaveLength(
      MAX_TIME_RANGE_DAYS,
    );
    expect(() => timeKeys(from, new Date(from.getTime() + MAX_TIME_RANGE_DAYS * 86_400_000))).toThrow(
      TimeRangeTooWideError,
    );
  });
});
