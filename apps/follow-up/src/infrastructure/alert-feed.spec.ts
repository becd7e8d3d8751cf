import { Webhook } from 'standardwebhooks';
import type { StoredEvent } from '@tracker/contracts';
import { type Alert, alertOf, newWebhookSecret, webhookPayload } from './alerts';

const com = '0190d4c8-0000-7000-8000-0000000000c1';
const stored = (type: string, data: unknown): StoredEvent => ({
  eventId: '0190d4c8-0000-7000-8000-0000000000e1',
  streamId: `commitment-${com}`,
  version: 2,
  position: 7,
  type,
  schemaVersion: 1,
  data,
  metadata: {
    actor: 'system:scheduler',
    role: 'system',
    correlationId: 'corr-1',
    causationId: null,
    occurredAt: '2026-03-01T12:00:00.120Z',
    recordedAt: '2026-03-01T12:00:00.130Z',
  },
  prevHash: '0',
  hash: '1',
});

const lapsed = stored('commitment.lapsed', {
  commitmentId: com,
  dueDate: '2026-03-01T12:00:00Z',
  dueAt: '2026-03-01T12:00:00.000Z',
  lapsedAt: '2026-03-01T12:00:00.120Z',
});

describe('alert feed (pure parts)', () => {
  it('a lapse raises an alert keyed by its event id; other events raise none', () => {
    expect(alertOf(lapsed)).toEqual({
      alertId: lapsed.eventId,
      type: 'commitment.lapsed',
      itemKind: 'commitment',
      itemId: com,
      commitmentId: com,
      dueDate: '2026-03-01T12:00:00Z',
      dueAt: '2026-03-01T12:00:00.000Z',
      lapsedAt: '2026-03-01T12:00:00.120Z',
      correlationId: 'corr-1',
      acknowledged: false,
      acknowledgedAt: null,
      acknowledgedBy: null,
    });
    expect(
      alertOf(stored('commitment.reopened', { commitmentId: com, dueDate: '2027-01-01', reason: 'r' })),
    ).toBeNull();
    expect(alertOf(stored('assessment.recorded', {}))).toBeNull();
  });

  it('secrets are Standard Webhooks secrets: what we sign, a subscriber verifies', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(newWebhookSecret()).not.toBe(secret);
    const alert: Alert = { _id: lapsed.eventId, raisedAt: '2026-03-01T12:00:00.200Z', ...alertOf(lapsed)! };
    const body = webhookPayload(alert);
    const at = new Date();
    const headers = {
      'webhook-id': alert.alertId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(alert.alertId, at, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({
      type: 'commitment.lapsed',
      data: { alertId: alert.alertId, commitmentId: com },
    });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    expect(JSON.parse(body)).not.toHaveProperty('data._id');
  });

  it('a deadline reminder and a stale follow-up raise alerts of their own kinds', () => {
    const reminder = stored('commitment.deadline-approaching', {
      commitmentId: com,
      dueDate: '2026-03-01T12:00:00Z',
      dueAt: '2026-03-01T12:00:00.000Z',
      leadMs: 86_400_000,
      remindAt: '2026-02-28T12:00:00.000Z',
      remindedAt: '2026-02-28T12:00:00.010Z',
    });
    expect(alertOf(reminder)).toMatchObject({
      type: 'commitment.deadline-approaching',
      itemKind: 'commitment',
      itemId: com,
      leadMs: 86_400_000,
      remindAt: '2026-02-28T12:00:00.000Z',
    });
    const rec = '0190d4c8-0000-7000-8000-0000000000a1';
    const stale = {
      ...stored('assessment.stale', {
        assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
        target: { kind: 'recommendation', id: rec },
        since: '2026-01-01T00:00:00.000Z',
        lastAssessedAt: null,
        staleAfterMs: 90 * 86_400_000,
        period: 1,
        staleAt: '2026-04-01T00:00:00.000Z',
        detectedAt: '2026-04-01T00:10:00.000Z',
      }),
      streamId: 'staleness-0190d4c8-0000-7000-8000-0000000000f1',
    };
    expect(alertOf(stale)).toMatchObject({
      type: 'assessment.stale',
      itemKind: 'recommendation',
      itemId: rec,
      period: 1,
      staleAt: '2026-04-01T00:00:00.000Z',
    });
  });
});
