import { type Digest, digestMail, formatDue, lapseMail, type MailItem } from './mail-content';

const item: MailItem = {
  id: '0190d4c8-0000-7000-8000-0000000000c1',
  kind: 'commitment',
  label: {
    en: 'Adopt the law on <gender-based> violence',
    fr: 'Adopter la loi sur les violences basées sur le genre',
  },
  citation: 'A/HRC/53/7, para. 12 — UPR 2023',
  due: { dueDate: '2026-03-31', kind: 'secretariat-target' },
  link: 'http://127.0.0.1:3000/items/0190d4c8-0000-7000-8000-0000000000c1',
};

describe('alert mail content', () => {
  it('a lapse in French: subject, citation, due date, that it was a secretariat target, and the link', () => {
    const sut = lapseMail('fr', 'Fixture', item);
    expect(sut.subject).toBe('Engagement échu : Adopter la loi sur les violences basées sur le genre');
    expect(sut.text).toContain('Source : A/HRC/53/7, para. 12 — UPR 2023');
    expect(sut.text).toContain('Échéance : 31 mars 2026 (objectif fixé par le secrétariat');
    expect(sut.text).toContain(`Voir dans le Tracker : ${item.link}`);
    expect(sut.html).toContain(`<a href="${item.link}">`);
    expect(sut.html).toContain('lang="fr"');
  });

  it('a lapse in English says a sourced date is the source’s, and escapes the HTML', () => {
    const sut = lapseMail('en', 'Fixture', { ...item, due: { dueDate: '2026-03-31', kind: 'sourced' } });
    expect(sut.subject).toBe('Commitment lapsed: Adopt the law on <gender-based> violence');
    expect(sut.text).toContain('Due: 31 March 2026 (date given by the source)');
    expect(sut.html).toContain('&lt;gender-based&gt;');
    expect(sut.html).not.toContain('<gender-based>');
  });

  it('a deadline at the minute shows its time (UTC)', () => {
    expect(formatDue('2026-03-31T09:30:00Z', 'en')).toBe('31 March 2026 at 09:30 UTC');
  });

  it('a digest counts each section and lists only the sections with items', () => {
    const digest: Digest = {
      date: '2026-12-07',
      dueIn1: [item],
      dueIn7: [],
      dueIn30: [item, item],
      lapsed: [],
      stale: [],
    };
    const sut = digestMail('en', 'Fixture', digest);
    expect(sut.subject).toBe('Tracker — digest of 7 December 2026: 3 item(s)');
    expect(sut.text).toContain('Due within 24 hours (1)');
    expect(sut.text).toContain('Due within 30 days (2)');
    expect(sut.text).not.toContain('Due within 7 days');
    expect(sut.html.match(/<h2>/g)).toHaveLength(2);
  });
});
