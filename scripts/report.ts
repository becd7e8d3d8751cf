/*
 * The implementation report from the command line: asks the gateway's GET /api/reports/implementation.
 *   npm run report -- --as-of 2023-06-30 --lang fr --out rapport.docx
 * The format follows --out's extension (.docx Word, .md markdown, .json) or --format; without --out the
 * markdown or JSON goes to stdout. Exit codes: 0 written, 2 usage or any other failure.
 */
import fs from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { REPORT_MEDIA_TYPES } from '@tracker/contracts';

const USAGE = `usage: npm run report -- [options]

  --as-of YYYY-MM-DD         reporting date (default: today)
  --recorded-until ISO       rebuild the report from the store as it was then (a report's builtFrom)
  --lang en|fr               labels, headings and statuses (default: en)
  --mechanism M              only recommendations of this mechanism (e.g. upr)
  --cluster KEY              only this cluster
  --institution KEY          only commitments of this institution, and the recommendations they answer
  --format docx|md|json      default: from --out's extension, else md
  --out FILE                 write there (a .docx needs --out)
  --gateway URL              gateway base URL (env GATEWAY_URL, default http://127.0.0.1:3000)
  --token JWT                bearer token (env REPORT_TOKEN); without one a development token is minted
                             from JWT_SECRET with role secretariat
`;

class UsageError extends Error {}

const options = {
  'as-of': { type: 'string' },
  'recorded-until': { type: 'string' },
  lang: { type: 'string' },
  mechanism: { type: 'string' },
  cluster: { type: 'string' },
  institution: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  gateway: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS = {
  docx: REPORT_MEDIA_TYPES.docx,
  md: REPORT_MEDIA_TYPES.markdown,
  json: REPORT_MEDIA_TYPES.json,
};
type Format = keyof typeof FORMATS;

const formatOf = (format: string | undefined, out: string | undefined): Format => {
  const f = format ?? /\.(docx|md|json)$/i.exec(out ?? '')?.[1]?.toLowerCase() ?? 'md';
  if (!Object.hasOwn(FORMATS, f)) throw new UsageError(`unknown format ${f} (docx, md or json)`);
  if (f === 'docx' && !out) throw new UsageError('a Word report needs --out FILE.docx');
  return f as Format;
};

const main = async (): Promise<number> => {
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options, strict: true }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const format = formatOf(values.format, values.out);
    const gateway = values.gateway ?? process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
    const token =
      values.token ??
      process.env.REPORT_TOKEN ??
      signDevToken(
        {
          secret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
          issuer: process.env.JWT_ISSUER ?? DEFAULT_JWT_ISSUER,
        },
        { sub: 'cli-report', role: 'secretariat', institution: null },
        3600,
      );
    const url = new URL('/api/reports/implementation', gateway);
    const params: [string, string | undefined][] = [
      ['asOf', values['as-of']],
      ['recordedUntil', values['recorded-until']],
      ['lang', values.lang],
      ['mechanism', values.mechanism],
      ['cluster', values.cluster],
      ['institution', values.institution],
    ];
    for (const [k, v] of params) if (v !== undefined) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: FORMATS[format] } });
    } catch (err) {
      throw new Error(
        `cannot reach the gateway at ${gateway}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      let detail = body.toString('utf8');
      try {
        const p = JSON.parse(detail) as { detail?: string; title?: string };
        detail = p.detail ?? p.title ?? detail;
      } catch {
        // not problem+json: keep the text
      }
      throw new Error(`GET ${url.pathname}${url.search} → ${res.status}: ${detail}`);
    }
    if (values.out) {
      await fs.writeFile(values.out, body);
      process.stderr.write(`report: wrote ${values.out} (${body.length} bytes, ${format})\n`);
    } else {
      process.stdout.write(body);
    }
    return 0;
  } catch (err) {
    process.stderr.write(
      err instanceof UsageError
        ? `${err.message}\n\n${USAGE}`
        : `report: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 2;
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`report: ${String(err)}\n`);
    process.exitCode = 2;
  },
);
