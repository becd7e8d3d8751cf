#!/usr/bin/env node
// Validates the Mali dataset (plain Node >= 20, no dependencies).
//   node data/mali/check.mjs
// Source texts are read from data/mali/sources/ by default; override with TRACKER_SOURCES_DIR
// (if the local copy is missing, falls back to <repoRoot>/../shared/sources).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const localSources = path.join(here, 'sources');
const sharedSources = path.resolve(repoRoot, '../shared/sources');
const sourcesDir =
  process.env.TRACKER_SOURCES_DIR ?? (fs.existsSync(localSources) ? localSources : sharedSources);

const errors = [];
const warnings = [];
const err = (m) => errors.push(m);

const ENUMS = {
  mechanism: ['upr', 'hrc-resolution', 'security-council', 'secretary-general', 'ohchr', 'special-procedure', 'treaty-body', 'ngo'],
  textKind: ['quote', 'paraphrase'],
  themes: [
    'gender-based-violence', 'accountability', 'impunity', 'children-armed-conflict', 'conflict-related-sexual-violence',
    'death-penalty', 'freedom-of-expression', 'civic-space', 'elections', 'slavery', 'torture-prevention', 'detention',
    'protection-of-civilians', 'justice-system', 'national-human-rights-institution', 'human-rights-defenders',
    'counter-terrorism', 'women-rights', 'humanitarian-access', 'education', 'cooperation-with-un', 'peace-process',
    'discrimination', 'fair-trial',
  ],
  position: ['supported', 'supported-in-part', 'noted', 'pending'],
  status: ['not-started', 'in-progress', 'partially-implemented', 'implemented', 'not-implemented'],
  targetKind: ['recommendation', 'commitment'],
  dueDateKind: ['sourced', 'secretariat-target'],
};
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const SDG = /^\d{1,2}\.[0-9a-z]{1,2}$/;

function load(name) {
  const file = path.join(here, name);
  const raw = fs.readFileSync(file, 'utf8');
  let data;
  try {
    data = JSON.parse(raw);
  } catch (e) {
    err(`${name}: invalid JSON (${e.message})`);
    return [];
  }
  if (!Array.isArray(data)) {
    err(`${name}: top level must be an array`);
    return [];
  }
  if (raw !== JSON.stringify(data, null, 2) + '\n') err(`${name}: not formatted as 2-space JSON with trailing newline`);
  const keys = data.map((x) => x?.key);
  const seen = new Set();
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || !KEBAB.test(k)) err(`${name}[${i}]: key ${JSON.stringify(k)} is not kebab-case`);
    if (seen.has(k)) err(`${name}: duplicate key ${k}`);
    seen.add(k);
  });
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.some((k, i) => k !== sorted[i])) err(`${name}: not sorted by key`);
  return data;
}

function isIsoDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
// A date that must be ISO, or null when the object explains why in `dateNote`.
function checkDate(where, value, owner, nullable) {
  if (value === null && nullable) {
    if (typeof owner?.dateNote !== 'string' || !owner.dateNote) err(`${where}: null date needs a dateNote`);
    return;
  }
  if (!isIsoDate(value)) err(`${where}: ${JSON.stringify(value)} is not an ISO date (YYYY-MM-DD)`);
}
function checkEnum(where, value, list) {
  if (!list.includes(value)) err(`${where}: ${JSON.stringify(value)} not in [${list.join(', ')}]`);
}

// ---- text normalisation for quote checks
function normalise(s, { joinHyphens = false } = {}) {
  let t = s
    .normalize('NFC')
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u0060\u00B4]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\s\u00A0\u2000-\u200B\u202F\u205F\u3000\uFEFF]+/g, ' ')
    .trim();
  if (joinHyphens) t = t.replace(/- /g, '-'); // words hyphenated across a line break in the PDF text
  return t;
}

const sources = load('sources.json');
const clusters = load('clusters.json');
const recs = load('recommendations.json');
const institutions = load('institutions.json');
const commitments = load('commitments.json');
const assessments = load('assessments.json');

const byKey = (arr) => new Map(arr.map((x) => [x.key, x]));
const S = byKey(sources);
const C = byKey(clusters);
const R = byKey(recs);
const I = byKey(institutions);
const M = byKey(commitments);

// ---- sources: load texts
const text = new Map(); // source key -> { strict, lenient }
for (const s of sources) {
  const w = `sources.json ${s.key}`;
  for (const f of ['title', 'publisher', 'file']) {
    if (f === 'publisher' && s.publisher === null) {
      if (!s.publisherNote) err(`${w}: null publisher needs a publisherNote`);
      continue;
    }
    if (typeof s[f] !== 'string' || !s[f]) err(`${w}: missing ${f}`);
  }
  if (s.symbol !== null && typeof s.symbol !== 'string') err(`${w}: symbol must be string or null`);
  checkDate(`${w}.date`, s.date, s, true);
  const file = path.join(sourcesDir, s.file ?? '');
  if (!s.file || !fs.existsSync(file)) {
    err(`${w}: file ${s.file} not found in ${sourcesDir}`);
    continue;
  }
  const raw = fs.readFileSync(file, 'utf8');
  text.set(s.key, { strict: normalise(raw), lenient: normalise(raw, { joinHyphens: true }) });
  if (!process.env.TRACKER_SOURCES_DIR && sourcesDir === localSources && fs.existsSync(path.join(sharedSources, s.file))) {
    if (!fs.readFileSync(path.join(sharedSources, s.file)).equals(fs.readFileSync(file)))
      warnings.push(`${s.file}: local copy differs from ${sharedSources}`);
  }
}

let quotesChecked = 0;
function checkQuote(where, sourceKey, quote, { strict }) {
  if (typeof quote !== 'string' || !quote.trim()) return err(`${where}: empty quote`);
  const t = text.get(sourceKey);
  if (!t) return err(`${where}: cannot check quote, source ${sourceKey} unavailable`);
  quotesChecked++;
  const ok = strict
    ? t.strict.includes(normalise(quote))
    : t.lenient.includes(normalise(quote, { joinHyphens: true }));
  if (!ok) err(`${where}: quote not found verbatim in ${sourceKey}: "${quote.slice(0, 80)}..."`);
}
function checkSourceRef(where, key) {
  if (!S.has(key)) err(`${where}: unknown source ${JSON.stringify(key)}`);
}

// ---- clusters
const usedClusters = new Set(recs.map((r) => r.cluster));
for (const c of clusters) {
  const w = `clusters.json ${c.key}`;
  if (!c.title?.en || !c.title?.fr) err(`${w}: title.en and title.fr required`);
  if (!usedClusters.has(c.key)) err(`${w}: no recommendation belongs to this cluster`);
}

// ---- recommendations
for (const r of recs) {
  const w = `recommendations.json ${r.key}`;
  checkEnum(`${w}.mechanism`, r.mechanism, ENUMS.mechanism);
  if (typeof r.recommendingEntity !== 'string' || !r.recommendingEntity) err(`${w}: recommendingEntity required`);
  const d = r.document ?? {};
  checkSourceRef(`${w}.document.source`, d.source);
  if (d.symbol !== null && typeof d.symbol !== 'string') err(`${w}.document.symbol must be string or null`);
  if (!d.paragraph || !d.citation) err(`${w}.document: paragraph and citation required`);
  checkDate(`${w}.document.date`, d.date, d, true);
  if (r.mechanism === 'upr') {
    if (!r.upr || typeof r.upr !== 'object') err(`${w}: upr object required for UPR items`);
    else {
      if (r.upr.cycle !== null && !Number.isInteger(r.upr.cycle)) err(`${w}.upr.cycle must be integer or null`);
      if (r.upr.session !== null && !Number.isInteger(r.upr.session)) err(`${w}.upr.session must be integer or null`);
    }
  } else if (r.upr !== null) err(`${w}: upr must be null for non-UPR items`);
  if (typeof r.text?.en !== 'string' || !r.text.en) err(`${w}: text.en required`);
  if (r.text?.fr !== null && typeof r.text?.fr !== 'string') err(`${w}: text.fr must be string or null`);
  checkEnum(`${w}.textKind`, r.textKind, ENUMS.textKind);
  if (r.textKind === 'quote') checkQuote(`${w}.text.en`, d.source, r.text.en, { strict: false });
  if (r.textKind === 'paraphrase' && r.sourceQuote === undefined) warnings.push(`${w}: paraphrase without sourceQuote`);
  if (r.sourceQuote !== undefined) checkQuote(`${w}.sourceQuote`, d.source, r.sourceQuote, { strict: false });
  if (!Array.isArray(r.themes)) err(`${w}: themes must be an array`);
  else r.themes.forEach((t) => checkEnum(`${w}.themes`, t, ENUMS.themes));
  if (!Array.isArray(r.affectedGroups)) err(`${w}: affectedGroups must be an array`);
  else r.affectedGroups.forEach((g) => KEBAB.test(g) || err(`${w}.affectedGroups: ${g} not kebab-case`));
  if (!Array.isArray(r.sdgTargets)) err(`${w}: sdgTargets must be an array`);
  else r.sdgTargets.forEach((g) => SDG.test(g) || err(`${w}.sdgTargets: ${g} is not an SDG target`));
  if (r.position !== null) {
    const p = r.position ?? {};
    checkEnum(`${w}.position.value`, p.value, ENUMS.position);
    checkDate(`${w}.position.date`, p.date, p, false);
    if (!p.citation) err(`${w}.position.citation required`);
  }
  if (!C.has(r.cluster)) err(`${w}: unknown cluster ${JSON.stringify(r.cluster)}`);
}

// ---- institutions
for (const i of institutions) {
  if (!i.name?.en) err(`institutions.json ${i.key}: name.en required`);
  if (i.name?.fr !== null && typeof i.name?.fr !== 'string') err(`institutions.json ${i.key}: name.fr must be string or null`);
}

// ---- commitments
for (const c of commitments) {
  const w = `commitments.json ${c.key}`;
  if (!c.title?.en) err(`${w}: title.en required`);
  if (typeof c.text !== 'string' || !c.text) err(`${w}: text required`);
  const m = c.madeAt ?? {};
  if (!m.forum || !m.citation) err(`${w}.madeAt: forum and citation required`);
  checkDate(`${w}.madeAt.date`, m.date, m, true);
  if (!Array.isArray(c.institutions) || c.institutions.length === 0) err(`${w}: institutions required`);
  else c.institutions.forEach((k) => I.has(k) || err(`${w}.institutions: unknown institution ${k}`));
  checkDate(`${w}.dueDate`, c.dueDate, c, false);
  checkEnum(`${w}.dueDateKind`, c.dueDateKind, ENUMS.dueDateKind);
  if (c.dueDateKind === 'secretariat-target' && !/secretariat/i.test(c.dueDateNote ?? ''))
    err(`${w}: secretariat-target needs a dueDateNote saying it is the secretariat's own target`);
  if (!Array.isArray(c.linkedRecommendations)) err(`${w}: linkedRecommendations must be an array`);
  else c.linkedRecommendations.forEach((k) => R.has(k) || err(`${w}.linkedRecommendations: unknown ${k}`));
  for (const [i, q] of (c.sourceQuotes ?? []).entries()) {
    checkSourceRef(`${w}.sourceQuotes[${i}].source`, q.source);
    checkQuote(`${w}.sourceQuotes[${i}]`, q.source, q.quote, { strict: false });
  }
}

// ---- assessments
for (const a of assessments) {
  const w = `assessments.json ${a.key}`;
  checkEnum(`${w}.target.kind`, a.target?.kind, ENUMS.targetKind);
  const pool = a.target?.kind === 'commitment' ? M : R;
  if (!pool.has(a.target?.key)) err(`${w}.target: unknown ${a.target?.kind} ${JSON.stringify(a.target?.key)}`);
  checkEnum(`${w}.status`, a.status, ENUMS.status);
  checkDate(`${w}.assessedOn`, a.assessedOn, a, false);
  if (!a.assessor) err(`${w}: assessor required`);
  if (!Array.isArray(a.evidence) || a.evidence.length === 0) err(`${w}: evidence required`);
  for (const [i, e] of (a.evidence ?? []).entries()) {
    const we = `${w}.evidence[${i}]`;
    checkSourceRef(`${we}.source`, e.source);
    if (!e.citation || !e.summary) err(`${we}: citation and summary required`);
    checkDate(`${we}.date`, e.date, e, true);
    if (isIsoDate(e.date) && isIsoDate(a.assessedOn) && e.date > a.assessedOn)
      err(`${we}: evidence dated ${e.date} is later than assessedOn ${a.assessedOn}`);
    checkQuote(`${we}.quote`, e.source, e.quote, { strict: true });
  }
}

for (const w of warnings) console.warn(`warning: ${w}`);
if (errors.length) {
  for (const e of errors) console.error(`error: ${e}`);
  console.error(`\n${errors.length} error(s)`);
  process.exit(1);
}
const count = (arr, f) => arr.reduce((m, x) => ((m[f(x)] = (m[f(x)] ?? 0) + 1), m), {});
console.log(`OK — sources dir: ${sourcesDir}`);
console.log(
  `sources ${sources.length}, clusters ${clusters.length}, recommendations ${recs.length}, institutions ${institutions.length}, commitments ${commitments.length}, assessments ${assessments.length}; ${quotesChecked} quotes verified`,
);
console.log('recommendations by mechanism:', JSON.stringify(count(recs, (r) => r.mechanism)));
