/* Child process for the export memory test: streams a whole event store as NDJSON (the audit API's own
 * code path) into a counting sink and reports its peak RSS. Args: JSON {mongoUrl, db}. */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MongoClient } from 'mongodb';
import type { CommitDocument } from '../../commit-document';
import { EventHistory } from '../event-history';

const main = async (): Promise<void> => {
  const args = JSON.parse(process.argv[2] ?? '{}') as { mongoUrl: string; db: string };
  const client = await MongoClient.connect(args.mongoUrl);
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = Date.now();
  let bytes = 0;
  let lines = 0;
  let lastPosition = 0;
  let ordered = true;
  let tail = '';
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer | string, _enc, done) {
      const text = tail + chunk.toString();
      bytes += Buffer.byteLength(chunk);
      const parts = text.split('\n');
      tail = parts.pop() ?? '';
      for (const line of parts) {
        lines += 1;
        // Check order on a sample without parsing every line.
        if (lines % 997 === 1) {
          const position = (JSON.parse(line) as { position: number }).position;
          if (position <= lastPosition) ordered = false;
          lastPosition = position;
        }
      }
      // A consumer slower than the database: backpressure must hold the cursor, not buffer the store.
      if (lines % 50_000 < 200) setTimeout(done, 1);
      else done();
    },
  });
  try {
    const history = new EventHistory(client.db(args.db).collection<CommitDocument>('events'));
    await pipeline(await history.ndjson({}), sink);
  } finally {
    clearInterval(sample);
    await client.close();
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `${JSON.stringify({ done: true, lines, bytes, ordered, seconds: (Date.now() - started) / 1000, peakRssMb: Math.round(Math.max(peak, maxRss) / 1048576) })}\n`,
  );
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
