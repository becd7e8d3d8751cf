import { Webhook } from 'standardwebhooks';
import type { StoredEvent } from '@tracker/contracts';
import { type Alert, alertOf, newWebhookSecret, webhookPayload } from './alert-feed';

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
});
