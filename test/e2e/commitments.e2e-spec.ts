import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';

const commitment = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  title: { en: 'Investigate the Moura events of March 2022' },
  text: 'Mali promised at the Security Council to investigate the events in Moura.',
  madeAt: { forum: 'Security Council', date: '2023-01-10', citation: 'S/PV.9999' },
  institutions: ['judiciary', 'transitional-authorities'],
  dueDate: '2030-05-02',
  dueDateKind: 'secretariat-target',
  dueDateNote: 'secretariat target',
  ...over,
});

describe('commitments through the gateway', () => {
  let stack: Stack;
  let secretariat: string;
  const api = () => request(stack.gatewayUrl);

  const create = async (over: Record<string, unknown> = {}, auth = secretariat): Promise<string> => {
    const res = await api()
      .post('/api/commitments')
      .set('Authorization', auth)
      .send(commitment(over))
      .expect(201);
    return (res.body as { commitmentId: string }).commitmentId;
  };

  beforeAll(async () => {
    stack = await startStack();
    secretariat = `Bearer ${stack.token('secretariat')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('creates a commitment (201, ETag, Location) and reads it back, overdue judged now', async () => {
    const res = await api()
      .post('/api/commitments')
      .set('Authorization', secretariat)
      .send(commitment())
      .expect(201);
    const id = (res.body as { commitmentId: string }).commitmentId;
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/api/commitments/${id}`);
    const got = await api()
      .get(`/api/commitments/${id}`)
      .set('Authorization', `Bearer ${stack.token('viewer')}`)
      .expect(200);
    expect(got.headers.etag).toBe('"1"');
    expect(got.body).toMatchObject({
      commitmentId: id,
      status: 'open',
      overdue: false,
      overdueSince: null,
      version: 1,
    });
  });

  it('the same external key and content twice is one commitment (200 the second time)', async () => {
    const body = commitment({ externalKey: 'e2e-same-key' });
    const first = await api().post('/api/commitments').set('Authorization', secretariat).send(body);
    const again = await api().post('/api/commitments').set('Authorization', secretariat).send(body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({
      commitmentId: (first.body as { commitmentId: string }).commitmentId,
      created: false,
    });
  });

  it('two clients with the same If-Match: one wins, the other gets 412, and no update is lost', async () => {
    const id = await create();
    const [a, b] = await Promise.all([
      api()
        .patch(`/api/commitments/${id}`)
        .set('Authorization', secretariat)
        .set('If-Match', '"1"')
        .send({ text: 'Revision A' }),
      api()
        .patch(`/api/commitments/${id}`)
        .set('Authorization', secretariat)
        .set('If-Match', '"1"')
        .send({ dueDateNote: 'Revision B' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const loser = a.status === 412 ? a : b;
    expect(loser.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(loser.body).toMatchObject({ status: 412, currentVersion: 2 });
    // The loser re-reads and re-applies its change on top of the winner's.
    const current = await api().get(`/api/commitments/${id}`).set('Authorization', secretariat).expect(200);
    expect(current.headers.etag).toBe('"2"');
    const retry = a.status === 412 ? { text: 'Revision A' } : { dueDateNote: 'Revision B' };
    await api()
      .patch(`/api/commitments/${id}`)
      .set('Authorization', secretariat)
      .set('If-Match', current.headers.etag as string)
      .send(retry)
      .expect(200);
    const final = await api().get(`/api/commitments/${id}`).set('Authorization', secretariat).expect(200);
    expect(final.body).toMatchObject({ version: 3, text: 'Revision A', dueDateNote: 'Revision B' });
  });

  it('updates without If-Match are 428, with a malformed one 400', async () => {
    const id = await create();
    const res = await api()
      .patch(`/api/commitments/${id}`)
      .set('Authorization', secretariat)
      .send({ text: 'x' });
    expect(res.status).toBe(428);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    await api()
      .patch(`/api/commitments/${id}`)
      .set('Authorization', secretariat)
      .set('If-Match', 'yesterday')
      .send({ text: 'x' })
      .expect(400);
  });

  it('illegal transitions are 409 problems saying why', async () => {
    const id = await create();
    await api()
      .post(`/api/commitments/${id}/withdrawal`)
      .set('Authorization', secretariat)
      .set('If-Match', '"1"')
      .send({ reason: 'superseded' })
      .expect(200);
    const res = await api()
      .post(`/api/commitments/${id}/fulfilment`)
      .set('Authorization', secretariat)
      .set('If-Match', '"2"')
      .send({
        fulfilledOn: '2024-01-01',
        evidence: [{ source: 'OHCHR', date: '2024-01-01', summary: 'done' }],
      });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((res.body as { detail: string }).detail).toMatch(/withdrawn commitment cannot be fulfilled/);
    const ext = await api()
      .post(`/api/commitments/${id}/due-date-extensions`)
      .set('Authorization', secretariat)
      .set('If-Match', '"2"')
      .send({ dueDate: '2031-01-01', reason: 'r' });
    expect(ext.status).toBe(409);
  });

  it('a lapsed commitment is overdue; extending its due date re-opens it', async () => {
    const id = await create({
      madeAt: { forum: 'Security Council', date: '2019-01-10', citation: 'S/PV.1' },
      dueDate: '2020-03-22',
    });
    const before = await api().get(`/api/commitments/${id}`).set('Authorization', secretariat).expect(200);
    // Overdue as soon as the due date passed, before any lapse event.
    expect(before.body).toMatchObject({
      status: 'open',
      overdue: true,
      overdueSince: '2020-03-23T00:00:00.000Z',
    });
    const lapsed = await api()
      .post(`/api/commitments/${id}/lapse`)
      .set('Authorization', secretariat)
      .set('If-Match', '"1"')
      .expect(200);
    expect(lapsed.body).toMatchObject({ status: 'lapsed', version: 2, changed: true });
    const extended = await api()
      .post(`/api/commitments/${id}/due-date-extensions`)
      .set('Authorization', secretariat)
      .set('If-Match', '"2"')
      .send({ dueDate: '2032-12-31', reason: 'new transition timetable' })
      .expect(200);
    expect(extended.body).toMatchObject({ status: 'open', version: 4 });
    const after = await api().get(`/api/commitments/${id}`).set('Authorization', secretariat).expect(200);
    expect(after.body).toMatchObject({
      status: 'open',
      overdue: false,
      dueDate: '2032-12-31',
      extensions: [
        { previousDueDate: '2020-03-22', dueDate: '2032-12-31', reason: 'new transition timetable' },
      ],
    });
  });

  it('lists by institution, status and overdue, page by page', async () => {
    const inst = `inst-${stack.ns.id.toLowerCase()}`;
    const overdueId = await create({
      institutions: [inst],
      madeAt: { forum: 'HRC', date: '2019-01-01', citation: 'c' },
      dueDate: '2020-01-01',
    });
    const futureId = await create({ institutions: [inst], dueDate: '2031-01-01' });
    const list = async (
      q: string,
    ): Promise<{ items: { commitmentId: string }[]; nextCursor: string | null }> =>
      (
        await api()
          .get(`/api/commitments?${q}`)
          .set('Authorization', `Bearer ${stack.token('auditor')}`)
          .expect(200)
      ).body as { items: { commitmentId: string }[]; nextCursor: string | null };
    await waitFor(async () => ((await list(`institution=${inst}`)).items.length === 2 ? true : undefined), {
      what: 'the read model',
    });
    expect((await list(`institution=${inst}&overdue=true`)).items.map((i) => i.commitmentId)).toEqual([
      overdueId,
    ]);
    expect((await list(`institution=${inst}&overdue=false`)).items.map((i) => i.commitmentId)).toEqual([
      futureId,
    ]);
    expect((await list(`institution=${inst}&dueBefore=2020-01-02`)).items.map((i) => i.commitmentId)).toEqual(
      [overdueId],
    );
    expect((await list(`institution=${inst}&dueAfter=2020-01-01`)).items.map((i) => i.commitmentId)).toEqual([
      futureId,
    ]);
    expect((await list(`institution=${inst}&status=fulfilled`)).items).toEqual([]);
    const first = await list(`institution=${inst}&limit=1`);
    expect(first.items.map((i) => i.commitmentId)).toEqual([overdueId]);
    const second = await list(`institution=${inst}&limit=1&cursor=${first.nextCursor}`);
    expect(second).toEqual({
      items: [expect.objectContaining({ commitmentId: futureId })],
      nextCursor: null,
    });
  });

  describe('a focal point writes only for its own institution', () => {
    it('creates and changes commitments of its institution, nothing else (403)', async () => {
      const justice = `Bearer ${stack.token('focal-point', 'judiciary')}`;
      const defence = `Bearer ${stack.token('focal-point', 'ministry-of-defence')}`;
      const own = await create({}, justice);
      await api().post('/api/commitments').set('Authorization', defence).send(commitment()).expect(403);
      const denied = await api()
        .patch(`/api/commitments/${own}`)
        .set('Authorization', defence)
        .set('If-Match', '"1"')
        .send({ text: 'x' });
      expect(denied.status).toBe(403);
      expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
      // Nor hand its commitment to institutions it does not belong to.
      await api()
        .patch(`/api/commitments/${own}`)
        .set('Authorization', justice)
        .set('If-Match', '"1"')
        .send({ institutions: ['ministry-of-defence'] })
        .expect(403);
      await api()
        .patch(`/api/commitments/${own}`)
        .set('Authorization', justice)
        .set('If-Match', '"1"')
        .send({ text: 'revised by the focal point' })
        .expect(200);
    });

    it('auditors and viewers read but never write', async () => {
      const id = await create();
      for (const role of ['auditor', 'viewer'] as const) {
        const auth = `Bearer ${stack.token(role)}`;
        await api().post('/api/commitments').set('Authorization', auth).send(commitment()).expect(403);
        await api()
          .patch(`/api/commitments/${id}`)
          .set('Authorization', auth)
          .set('If-Match', '"1"')
          .send({ text: 'x' })
          .expect(403);
        await api().get(`/api/commitments/${id}`).set('Authorization', auth).expect(200);
      }
    });
  });

  describe('bad input gets a 4xx problem+json, never a 500', () => {
    const cases: [string, (r: request.Test) => request.Test, number][] = [
      ['a wrong enum', (r) => r.send(commitment({ dueDateKind: 'rumour' })), 400],
      ['a due date before the date it was made', (r) => r.send(commitment({ dueDate: '2022-12-31' })), 422],
      ['no institution', (r) => r.send(commitment({ institutions: [] })), 400],
      ['unknown fields', (r) => r.send(commitment({ colour: 'red' })), 400],
      ['malformed JSON', (r) => r.set('Content-Type', 'application/json').send('{"title": '), 400],
      ['a 1 MB body', (r) => r.send(commitment({ text: 'x'.repeat(1024 * 1024) })), 413],
    ];
    it.each(cases)('%s', async (_name, build, status) => {
      const res = await build(api().post('/api/commitments').set('Authorization', secretariat));
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status });
    });

    it('an unknown id is 404, a malformed one 400, a bad filter 400', async () => {
      const unknown = '0190d4c8-0000-7000-8000-000000000000';
      await api().get(`/api/commitments/${unknown}`).set('Authorization', secretariat).expect(404);
      const patch = await api()
        .patch(`/api/commitments/${unknown}`)
        .set('Authorization', secretariat)
        .set('If-Match', '"1"')
        .send({ text: 'x' });
      expect(patch.status).toBe(404);
      expect(patch.headers['content-type']).toMatch(/^application\/problem\+json/);
      await api().get('/api/commitments/not-a-uuid').set('Authorization', secretariat).expect(400);
      await api().get('/api/commitments?status=sleeping').set('Authorization', secretariat).expect(400);
      await api().get('/api/commitments?cursor=bogus').set('Authorization', secretariat).expect(400);
    });

    it('an extension that does not move the date later is 422', async () => {
      const id = await create();
      const res = await api()
        .post(`/api/commitments/${id}/due-date-extensions`)
        .set('Authorization', secretariat)
        .set('If-Match', '"1"')
        .send({ dueDate: '2030-05-01', reason: 'r' });
      expect(res.status).toBe(422);
      expect((res.body as { detail: string }).detail).toMatch(/later/);
    });
  });
});
