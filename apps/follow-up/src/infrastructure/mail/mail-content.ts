import escapeHtml from 'escape-html';
import type { DueDateKind, MailLanguage } from '@tracker/contracts';

/** One item as a mail tells of it: what it is, where it is written, and for commitments when it is due. */
export interface MailItem {
  readonly id: string;
  readonly kind: 'recommendation' | 'commitment';
  /** A commitment's title, a recommendation's text; French when there is one, else English. */
  readonly label: { readonly en: string; readonly fr: string | null };
  /** The document and paragraph it comes from (a commitment: where it was made). */
  readonly citation: string;
  /** `kind` null: a row from before due-date kinds were recorded (then the mail does not say). */
  readonly due: { readonly dueDate: string; readonly kind: DueDateKind | null } | null;
  readonly link: string;
}

export interface Rendered {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** The digest of one day for one person: each list holds what it names, the tightest window first. */
export interface Digest {
  readonly date: string;
  readonly dueIn1: readonly MailItem[];
  readonly dueIn7: readonly MailItem[];
  readonly dueIn30: readonly MailItem[];
  readonly lapsed: readonly MailItem[];
  readonly stale: readonly MailItem[];
}

const WORDS = {
  fr: {
    hello: (name: string) => `Bonjour ${name},`,
    lapsedSubject: (label: string) => `Engagement échu : ${label}`,
    lapsedIntro: 'La date d’échéance de cet engagement est passée sans qu’il soit rempli :',
    citation: 'Source',
    due: 'Échéance',
    kind: {
      sourced: 'date donnée par la source',
      'secretariat-target': 'objectif fixé par le secrétariat, la source ne donnant pas de date',
    },
    open: 'Voir dans le Tracker',
    digestSubject: (date: string, n: number) => `Tracker — résumé du ${date} : ${n} élément(s)`,
    sections: {
      dueIn1: 'Échéance dans les prochaines 24 heures',
      dueIn7: 'Échéance dans les 7 prochains jours',
      dueIn30: 'Échéance dans les 30 prochains jours',
      lapsed: 'Engagements échus',
      stale: 'Sans évaluation depuis trop longtemps',
    },
    footer: 'Message automatique du Tracker. Pour ne plus le recevoir, demandez à un administrateur.',
  },
  en: {
    hello: (name: string) => `Hello ${name},`,
    lapsedSubject: (label: string) => `Commitment lapsed: ${label}`,
    lapsedIntro: 'The due date of this commitment has passed and it is not fulfilled:',
    citation: 'Source',
    due: 'Due',
    kind: {
      sourced: 'date given by the source',
      'secretariat-target': 'target set by the secretariat; the source gives no date',
    },
    open: 'Open in the Tracker',
    digestSubject: (date: string, n: number) => `Tracker — digest of ${date}: ${n} item(s)`,
    sections: {
      dueIn1: 'Due within 24 hours',
      dueIn7: 'Due within 7 days',
      dueIn30: 'Due within 30 days',
      lapsed: 'Lapsed commitments',
      stale: 'Not assessed for too long',
    },
    footer: 'An automatic message from the Tracker. To stop receiving it, ask an administrator.',
  },
} as const;

/** A due date in the reader's language: a day, or a day and time (UTC) for deadlines at the minute. */
export const formatDue = (dueDate: string, language: MailLanguage): string => {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(dueDate);
  const at = new Date(dateOnly ? `${dueDate}T00:00:00Z` : dueDate);
  const format = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    ...(dateOnly ? {} : { timeStyle: 'short' }),
    timeZone: 'UTC',
  });
  return dateOnly ? format.format(at) : `${format.format(at)} UTC`;
};

const MAX_LABEL = 200;

/** The item's name in the reader's language, cut at a word when long (a recommendation's whole text). */
export const labelOf = (item: MailItem, language: MailLanguage): string => {
  const full = (language === 'fr' ? (item.label.fr ?? item.label.en) : item.label.en)
    .replace(/\s+/g, ' ')
    .trim();
  if (full.length <= MAX_LABEL) return full;
  const cut = full.slice(0, MAX_LABEL);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), MAX_LABEL / 2))}…`;
};

const kindNote = (kind: DueDateKind | null, language: MailLanguage): string =>
  kind ? ` (${WORDS[language].kind[kind]})` : '';

/** French sets a space before a colon, English does not. */
const colonOf = (language: MailLanguage): string => (language === 'fr' ? ' :' : ':');

const itemLines = (item: MailItem, language: MailLanguage): string[] => {
  const w = WORDS[language];
  const colon = colonOf(language);
  return [
    labelOf(item, language),
    `${w.citation}${colon} ${item.citation}`,
    ...(item.due
      ? [`${w.due}${colon} ${formatDue(item.due.dueDate, language)}${kindNote(item.due.kind, language)}`]
      : []),
    `${w.open}${colon} ${item.link}`,
  ];
};

const itemHtml = (item: MailItem, language: MailLanguage): string => {
  const w = WORDS[language];
  const colon = colonOf(language);
  const due = item.due
    ? `<br>${escapeHtml(w.due)}${colon} ${escapeHtml(formatDue(item.due.dueDate, language) + kindNote(item.due.kind, language))}`
    : '';
  return (
    `<p><a href="${escapeHtml(item.link)}"><strong>${escapeHtml(labelOf(item, language))}</strong></a><br>` +
    `${escapeHtml(w.citation)}${colon} ${escapeHtml(item.citation)}${due}</p>`
  );
};

const page = (language: MailLanguage, body: string): string =>
  `<!doctype html><html lang="${language}"><head><meta charset="utf-8"></head><body>${body}` +
  `<p style="color:#555">${escapeHtml(WORDS[language].footer)}</p></body></html>`;

/** The immediate mail of a lapsed commitment (pure). */
export const lapseMail = (language: MailLanguage, name: string, item: MailItem): Rendered => {
  const w = WORDS[language];
  return {
    subject: w.lapsedSubject(labelOf(item, language)),
    text: [w.hello(name), '', w.lapsedIntro, '', ...itemLines(item, language), '', '--', w.footer].join('\n'),
    html: page(
      language,
      `<p>${escapeHtml(w.hello(name))}</p><p>${escapeHtml(w.lapsedIntro)}</p>${itemHtml(item, language)}`,
    ),
  };
};

const SECTIONS = ['dueIn1', 'dueIn7', 'dueIn30', 'lapsed', 'stale'] as const;

/** Items a digest tells of, all sections together. */
export const digestSize = (d: Digest): number => SECTIONS.reduce((n, s) => n + d[s].length, 0);

/** The daily digest of one person (pure): each section with its count, then its items. */
export const digestMail = (language: MailLanguage, name: string, digest: Digest): Rendered => {
  const w = WORDS[language];
  const shown = SECTIONS.filter((s) => digest[s].length > 0);
  const text = [w.hello(name), ''];
  let html = `<p>${escapeHtml(w.hello(name))}</p>`;
  for (const s of shown) {
    const heading = `${w.sections[s]} (${digest[s].length})`;
    text.push(heading, '='.repeat(heading.length));
    for (const item of digest[s]) text.push(...itemLines(item, language), '');
    html += `<h2>${escapeHtml(heading)}</h2>${digest[s].map((i) => itemHtml(i, language)).join('')}`;
  }
  text.push('--', w.footer);
  return {
    subject: w.digestSubject(formatDue(digest.date, language), digestSize(digest)),
    text: text.join('\n'),
    html: page(language, html),
  };
};
