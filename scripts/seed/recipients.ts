import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit, type SeedClient, type Summary } from './client';

/** One item of data/mali/institutions.json, as far as mail goes. */
interface MaliInstitution {
  readonly key: string;
  readonly name: { readonly en: string; readonly fr: string };
}

/**
 * DEVELOPMENT FIXTURES, not people: one focal point per Mali institution and one secretariat member,
 * at obviously fake addresses (`@example.org`, a domain reserved for examples), so that the local mail
 * catcher shows what alert mails look like. A real deployment registers its recipients through
 * `POST /api/recipients`.
 */
export const developmentRecipients = (institutions: readonly MaliInstitution[]) => [
  {
    email: 'secretariat.fixture@example.org',
    name: 'Development fixture — secretariat',
    language: 'fr',
    audience: { kind: 'secretariat' },
  },
  ...institutions.map((i) => ({
    email: `focal-point.${i.key}.fixture@example.org`,
    name: `Development fixture — focal point, ${i.name.fr}`,
    language: 'fr',
    audience: { kind: 'institution', institution: i.key },
  })),
];

/**
 * Registers the development recipients through `POST /api/recipients`: the same registration again
 * answers 200 and appends nothing, so a second run counts every recipient unchanged.
 */
export const seed = async (client: SeedClient, dataDir: string): Promise<Summary> => {
  const institutions = JSON.parse(
    await readFile(path.join(dataDir, 'institutions.json'), 'utf8'),
  ) as MaliInstitution[];
  const recipients = developmentRecipients(institutions);
  let created = 0;
  let unchanged = 0;
  let failed = 0;
  await mapLimit(recipients, 4, async (recipient) => {
    const res = await client.request('POST', '/api/recipients', recipient);
    if (res.status === 201) created += 1;
    else if (res.status === 200) unchanged += 1;
    else {
      failed += 1;
      client.log(`  recipient ${recipient.email}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
  return {
    context: 'development recipients (@example.org fixtures)',
    read: recipients.length,
    created,
    unchanged,
    failed,
  };
};
