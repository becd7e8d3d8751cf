/*
 * Bundles the staff web app (apps/web) for the gateway to serve at `/`: `npm run build` runs it after
 * compiling the services (deploy/local/build.sh), the browser tests call `buildWeb` into a folder of
 * their own. One minified ES module and one stylesheet, named by content hash (cached forever), each with
 * a .gz beside it that the gateway sends as is; index.html names them and is never cached.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface WebBuild {
  readonly outDir: string;
  /** The files index.html loads, as served (relative to outDir). */
  readonly script: string;
  readonly styles: string;
  /** What the first page downloads, gzipped as the gateway sends it. */
  readonly scriptGzipBytes: number;
  readonly stylesGzipBytes: number;
}

/** The app's budget for the JavaScript of its first page (issue #14): a phone on a slow link. */
export const FIRST_PAGE_JS_BUDGET_BYTES = 250 * 1024;

export const buildWeb = async (root: string, outDir: string): Promise<WebBuild> => {
  const web = path.join(root, 'apps/web');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(web, 'src/main.tsx'), path.join(web, 'src/styles.css')],
    bundle: true,
    minify: true,
    format: 'esm',
    // What Debian's chromium and the browsers of the last few years run without a polyfill.
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(web, 'tsconfig.json'),
    entryNames: '[name]-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((f) =>
    path.relative(outDir, path.resolve(root, f)),
  );
  const script = outputs.find((f) => f.endsWith('.js'));
  const styles = outputs.find((f) => f.endsWith('.css'));
  if (!script || !styles)
    throw new Error(`the web build made no script or stylesheet: ${outputs.join(', ')}`);
  const gzip = (file: string): number => {
    const bytes = gzipSync(readFileSync(path.join(outDir, file)), { level: 9 });
    writeFileSync(path.join(outDir, `${file}.gz`), bytes);
    return bytes.length;
  };
  const html = readFileSync(path.join(web, 'src/index.html'), 'utf8')
    .replace('%SCRIPT%', script)
    .replace('%STYLES%', styles);
  writeFileSync(path.join(outDir, 'index.html'), html);
  return { outDir, script, styles, scriptGzipBytes: gzip(script), stylesGzipBytes: gzip(styles) };
};

if (require.main === module) {
  // Compiled to dist/scripts/build-web.js: the repository is two levels up, the gateway serves dist/web.
  const root = path.resolve(__dirname, '../..');
  buildWeb(root, process.argv[2] ?? path.join(root, 'dist/web')).then(
    (b) => {
      const kb = (n: number): string => (n / 1024).toFixed(1);
      process.stderr.write(
        `[build] web app into ${path.relative(root, b.outDir)}/: ${b.script} ${kb(b.scriptGzipBytes)} kB gzipped, ` +
          `${b.styles} ${kb(b.stylesGzipBytes)} kB gzipped\n`,
      );
      if (b.scriptGzipBytes > FIRST_PAGE_JS_BUDGET_BYTES) {
        process.stderr.write(
          `[build] ERROR: the first page's JavaScript is over its ${kb(FIRST_PAGE_JS_BUDGET_BYTES)} kB budget\n`,
        );
        process.exit(1);
      }
    },
    (err: unknown) => {
      process.stderr.write(`[build] web app failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
