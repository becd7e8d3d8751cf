import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RegisterRecipientRequest } from '@tracker/contracts';
import { developmentRecipients } from './recipients';

const institutions = JSON.parse(
  readFileSync(path.join(__dirname, '../../data/mali/institutions.json'), 'utf8'),
) as Parameters<typeof developmentRecipients>[0];

describe(developmentRecipients.name, () => {
  const sut = developmentRecipients(institutions);

  it('one focal point per Mali institution and one secretariat member, valid registrations', () => {
    expect(sut).toHaveLength(institutions.length + 1);
    for (const r of sut) expect(RegisterRecipientRequest.safeParse(r).success).toBe(true);
    expect(sut.filter((r) => r.audience.kind === 'institution').map((r) => r.audience)).toEqual(
      institutions.map((i) => ({ kind: 'institution', institution: i.key })),
    );
  });

  it('are labelled development fixtures, at the reserved example.org domain only', () => {
    for (const r of sut) {
      expect(r.email).toMatch(/\.fixture@example\.org$/);
      expect(r.name).toMatch(/^Development fixture — /);
    }
  });
});
