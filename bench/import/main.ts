import { MongoClient } from 'mongodb';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { startApp, type BaseConfig } from '@tracker/platform';
import { testNamespace } from '@tracker/testing';
import { RecommendationsModule } from '../../apps/recommendations/src/recommendations.module';
import { importResearchCsv, projectionEventsHandled, RESEARCH_YEARS } from '../support/research-import';

/**
 * `npm run bench -- import`: the four research CSVs (19,892 UPR recommendations) imported into a fresh
 * recommendations service, timed from the first upload until the catalogue read model holds every
 * created row. Prints one line: `import: <rows> rows in <s> s (<rows/s> rows/s)`.
 */

const main = async (): Promise<void> => {
  const ns = testNamespace();
  const config: BaseConfig = {
    HOST: '127.0.0.1',
    PORT: 0,
    LOG_LEVEL: (process.env.LOG_LEVEL as BaseConfig['LOG_LEVEL'] | undefined) ?? 'warn',
    MONGO_URL: process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017',
    MONGO_DB: ns.db('bench_recommendations'),
    KAFKA_BROKERS: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    KAFKA_TOPIC_PREFIX: ns.topicPrefix,
    JWT_SECRET: DEV_JWT_SECRET,
    JWT_ISSUER: DEFAULT_JWT_ISSUER,
    INSTANCE_ID: `${ns.id}-bench`,
  };
  const { app, url } = await startApp(RecommendationsModule.forRoot(config), config);
  const token = signDevToken(
    { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER },
    { sub: 'bench', role: 'admin' },
  );
  const mongo = await MongoClient.connect(config.MONGO_URL);
  try {
    const catalogue = mongo.db(config.MONGO_DB).collection('recommendation_catalogue');
    const started = performance.now();
    let read = 0;
    let created = 0;
    for (const year of RESEARCH_YEARS) {
      const report = await importResearchCsv(url, token, year);
      read += report.read;
      created += report.created;
      process.stderr.write(
        `  ${year}.csv: ${report.read} read, ${report.created} created, ${report.rejected.length} rejected (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
      );
    }
    const imported = performance.now();
    // Progress from the service's own counter of applied events; one count confirms the end.
    const applied = (): Promise<number> => projectionEventsHandled(url, 'recommendation_catalogue');
    for (let shown = 0; ;) {
      const n = await applied();
      if (n >= created && (await catalogue.countDocuments()) >= created) break;
      if (n >= shown + 1_000) {
        shown = n;
        process.stderr.write(
          `  read model: ${n}/${created} events applied (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const fmt = (n: number, d = 0) =>
      n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    process.stderr.write(
      `  (import requests ${fmt((imported - started) / 1000, 1)} s, then the read model)\n`,
    );
    process.stdout.write(
      `import: ${fmt(read)} rows in ${fmt(seconds, 1)} s (${fmt(read / seconds)} rows/s)\n`,
    );
  } finally {
    await app.close();
    await mongo
      .db(config.MONGO_DB)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`bench import failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
