import { readFileSync } from 'node:fs';
import path from 'node:path';
import mammoth from 'mammoth';
import request from 'supertest';
import { REPORT_MEDIA_TYPES, type ImplementationReportBody } from '@tracker/contracts';
import { waitFor } from '@tracker/testing';
import { runSeed } from '../../scripts/seed';
import { targetIdOf, type MaliAssessment } from '../../scripts/seed/assessments';
import { httpSeedClient } from '../../scripts/seed/client';
import { recommendationIdForKey, type MaliCommitment } from '../../scripts/seed/commitments';
import type { MaliRecommendation } from '../../scripts/seed/recommendations';
import { stackForSuite } from '../support/stack';

/**
 * The implementation report (issue #17) over the Mali dataset, seeded through the gateway the way
 * `npm run seed` does: as of two reporting dates, reproduced at an earlier store position, as Word read
 * back with mammoth, in French, and narrowed by cluster and institution.
 */
const DATA = path.join(__dirname, '../../data/mali');
const load = <T>(file: string): T => JSON.parse(readFileSync(path.join(DATA, file), 'utf8')) as T;
const recommendations = load<MaliRecommendation[]>('recommendations.json');
const commitments = load<MaliCommitment[]>('commitments.json');
const assessments = load<MaliAssessment[]>('assessments.json');

type Report = ImplementationReportBody;
type Rec = Report['clusters'][number]['recommendations'][number];

const recsOf = (r: Report): Rec[] => r.clusters.flatMap((c) => c.recommendations);
/** Every item of a report (recommendations and the commitments under them) with its latest assessment. */
const latestOf = (r: Report): Map<string, string | null> => {
  const out = new Map<string, string | null>();
  for (const rec of recsOf(r)) {
    out.set(
      rec.id,
      rec.latestAssessment ? `${rec.latestAssessment.status.value}@${rec.latestAssessment.assessedOn}` : null,
    );
    for (const c of rec.commitments)
      out.set(
        c.id,
        c.latestAssessment ? `${c.latestAssessment.status.value}@${c.latestAssessment.assessedOn}` : null,
      );
  }
  return out;
};
/** The report without what depends on assessments (and without its date): what two dates must share. */
const withoutAssessments = (r: Report): unknown =>
  JSON.parse(
    JSON.stringify(
      { ...r, asOf: null, summary: { ...r.summary, byStatus: null, byTheme: null } },
      (k, v: unknown) => (k === 'latestAssessment' ? undefined : v),
    ),
  );

describe('GET /api/reports/implementation over the Mali dataset', () => {
  const suite = stackForSuite();
  const api = () => request(suite.stack.gatewayUrl);
  const report = async (
    query: Record<string, string>,
    role: 'secretariat' | 'viewer' = 'secretariat',
  ): Promise<Report> =>
    (
      await api()
        .get('/api/reports/implementation')
        .query(query)
        .set('Authorization', suite.bearer(role))
        .set('Accept', 'application/json')
        .expect(200)
    ).body as Report;

  beforeAll(async () => {
    const { stack } = suite;
    await runSeed(
      httpSeedClient(stack.gatewayUrl, stack.token('admin'), () => undefined),
      DATA,
    );
    // Follow-up consumes the three topics: wait until the report holds every seeded assessment.
    const assessedIds = new Set(assessments.map((a) => targetIdOf(a.target)));
    let last: unknown = null;
    await waitFor(
      async () => {
        const r = await report({});
        const seen = [...latestOf(r).entries()].filter(([id, a]) => assessedIds.has(id) && a !== null);
        last = { clusters: r.clusters.length, assessed: seen.length, builtFrom: r.builtFrom };
        return new Set(seen.map(([id]) => id)).size === assessedIds.size &&
          r.clusters.length === new Set(recommendations.map((x) => x.cluster)).size
          ? r
          : undefined;
      },
      { what: 'the report to hold the seeded dataset', timeoutMs: 120_000 },
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}; last seen: ${JSON.stringify(last)}`);
    });
  }, 300_000);

  it('as of two dates differs exactly by the assessments dated between them', async () => {
    // HRC resolution items: documents of 2019 and commitments due in 2019-2020, so between these two
    // dates only assessments change (checked below by the deep equality of everything else).
    const [d1, d2] = ['2023-05-01', '2023-06-29'];
    // Both at one store position: only the reporting date differs.
    const { recordedUntil } = (await report({})).builtFrom;
    const [early, late] = await Promise.all([
      report({ asOf: d1, mechanism: 'hrc-resolution', recordedUntil }),
      report({ asOf: d2, mechanism: 'hrc-resolution', recordedUntil }),
    ]);
    expect(withoutAssessments(early)).toEqual(withoutAssessments(late));

    const reported = latestOf(late);
    const expectedAt = (day: string): Map<string, string | null> => {
      const out = new Map<string, string | null>([...reported.keys()].map((id) => [id, null]));
      for (const a of [...assessments].sort((x, y) => x.assessedOn.localeCompare(y.assessedOn))) {
        const id = targetIdOf(a.target);
        if (out.has(id) && a.assessedOn <= day) out.set(id, `${a.status}@${a.assessedOn}`);
      }
      return out;
    };
    expect(latestOf(early)).toEqual(expectedAt(d1));
    expect(latestOf(late)).toEqual(expectedAt(d2));
    const changed = [...reported.keys()].filter((id) => latestOf(early).get(id) !== reported.get(id)).sort();
    const between = [
      ...new Set(
        assessments
          .filter((a) => a.assessedOn > d1 && a.assessedOn <= d2 && reported.has(targetIdOf(a.target)))
          .map((a) => targetIdOf(a.target)),
      ),
    ].sort();
    expect(between.length).toBeGreaterThan(0);
    expect(changed).toEqual(between);
  });

  it('rebuilt at the store position it states, a report is the same after later assessments', async () => {
    const query = { cluster: 'death-penalty-abolition' };
    const before = await report(query);
    const target = recsOf(before)[0]!;
    expect(target.latestAssessment).toBeNull();
    await api()
      .post('/api/assessments')
      .set('Authorization', suite.bearer('secretariat'))
      .set('Idempotency-Key', `report-${target.id}`)
      .send({
        target: { kind: 'recommendation', id: target.id },
        status: 'not-started',
        assessedOn: '2024-01-10',
        evidence: [],
        note: 'Test assessment (fictitious, for the report test).',
      })
      .expect(201);
    const after = await waitFor(
      async () => {
        const r = await report(query);
        return recsOf(r).find((x) => x.id === target.id)?.latestAssessment ? r : undefined;
      },
      { what: 'the new assessment in the report', timeoutMs: 90_000 },
    );
    expect(latestOf(after).get(target.id)).toBe('not-started@2024-01-10');
    expect(withoutAssessments(after)).toEqual({
      ...(withoutAssessments(before) as object),
      builtFrom: (withoutAssessments(after) as Report).builtFrom,
    });
    const again = await report({ ...query, recordedUntil: before.builtFrom.recordedUntil });
    expect(again).toEqual(before);
  });

  it('as Word, read back, holds every recommendation of the cluster and every document it cites', async () => {
    const cluster = 'accountability-impunity';
    const res = await api()
      .get('/api/reports/implementation')
      .query({ cluster, asOf: '2023-06-30', lang: 'fr' })
      .set('Authorization', suite.bearer('secretariat'))
      .set('Accept', REPORT_MEDIA_TYPES.docx)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('Content-Type', REPORT_MEDIA_TYPES.docx)
      .expect('Content-Language', 'fr');
    const buffer = res.body as Buffer;
    const { value: text } = await mammoth.extractRawText({ buffer });
    const { value: html } = await mammoth.convertToHtml({ buffer });
    const members = recommendations.filter(
      (r) => r.cluster === cluster && (r.document.date ?? '') <= '2023-06-30',
    );
    expect(members.length).toBeGreaterThan(3);
    const cited = new Set<string>();
    for (const r of members) {
      expect(text).toContain(r.document.citation);
      expect(text).toContain(r.text.en);
      if (r.document.symbol) cited.add(r.document.symbol);
    }
    const memberIds = new Set(members.map((r) => recommendationIdForKey(r.key)));
    const linked = commitments.filter((c) =>
      c.linkedRecommendations.some((k) => memberIds.has(recommendationIdForKey(k))),
    );
    for (const a of assessments)
      if (memberIds.has(targetIdOf(a.target)) || linked.some((c) => c.key === a.target.key))
        for (const e of a.evidence) if (e.citation) cited.add(e.citation);
    expect(cited.size).toBeGreaterThan(0);
    for (const symbol of cited) expect(text).toContain(symbol);
    // French headings (Word heading styles, so the table of contents lists them), editable tables, and
    // the English-only texts marked as such.
    const h1 = (text: string): RegExp => new RegExp(`<h1>(<a id="[^"]*"></a>)*${text}</h1>`);
    expect(html).toMatch(h1('Synthèse'));
    expect(html).toMatch(h1('Recommandations par groupe'));
    expect(html).toContain('<table>');
    expect(text).toContain('[EN: en anglais seulement : pas de texte français dans les données]');
  });

  it('in markdown: headings in the language asked, English-only texts marked in French only', async () => {
    const get = async (lang: string): Promise<string> =>
      (
        await api()
          .get('/api/reports/implementation')
          .query({ cluster: 'gbv-law', lang })
          .set('Authorization', suite.bearer('secretariat'))
          .set('Accept', 'text/markdown')
          .expect(200)
          .expect('Content-Type', /^text\/markdown/)
      ).text;
    const [fr, en] = await Promise.all([get('fr'), get('en')]);
    expect(fr).toMatch(/^# Mise en œuvre des recommandations et des engagements$/m);
    expect(fr).toMatch(/^## Synthèse$/m);
    const title = load<{ key: string; title: { en: string; fr: string } }[]>('clusters.json').find(
      (c) => c.key === 'gbv-law',
    )!.title;
    expect(fr).toContain(`### ${title.fr}`);
    expect(en).toContain(`### ${title.en}`);
    expect(fr).toContain('_[EN: en anglais seulement : pas de texte français dans les données]_');
    expect(en).toMatch(/^## Summary$/m);
    expect(en).not.toContain('_[EN:');
    const gbv = recommendations.filter((r) => r.cluster === 'gbv-law');
    for (const r of gbv) expect(fr).toContain(r.document.citation);
  });

  it('a cluster filter and an institution filter narrow it', async () => {
    const all = await report({});
    const cluster = await report({ cluster: 'gbv-law' });
    expect(cluster.clusters.map((c) => c.key)).toEqual(['gbv-law']);
    expect(
      recsOf(cluster)
        .map((r) => r.id)
        .sort(),
    ).toEqual(
      recommendations
        .filter((r) => r.cluster === 'gbv-law')
        .map((r) => recommendationIdForKey(r.key))
        .sort(),
    );
    const institution = 'judiciary';
    const owned = await report({ institution });
    expect(recsOf(owned).length).toBeGreaterThan(0);
    expect(recsOf(owned).length).toBeLessThan(recsOf(all).length);
    const ownedCommitments = new Set(
      commitments.filter((c) => c.institutions.includes(institution)).map((c) => c.key),
    );
    for (const rec of recsOf(owned)) {
      expect(rec.commitments.length).toBeGreaterThan(0);
      for (const c of rec.commitments) expect(c.institutions).toContain(institution);
    }
    expect(owned.summary.commitments).toBe(ownedCommitments.size);
  });

  it('refuses a reporting date after today and a cut in the future (problem+json)', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    for (const query of [{ asOf: tomorrow.slice(0, 10) }, { recordedUntil: tomorrow }, { lang: 'de' }]) {
      const res = await api()
        .get('/api/reports/implementation')
        .query(query)
        .set('Authorization', suite.bearer('secretariat'))
        .expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
