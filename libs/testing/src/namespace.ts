import { randomBytes } from 'node:crypto';

/**
 * A fresh namespace per test file: database names and a Kafka topic prefix nobody else uses, so suites
 * run side by side and a rerun starts clean.
 */
export interface TestNamespace {
  readonly id: string;
  readonly topicPrefix: string;
  db(service: string): string;
}

export const testNamespace = (): TestNamespace => {
  const id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return {
    id,
    topicPrefix: `${id}.`,
    db: (service) => `${id}_${service.replace(/[^A-Za-z0-9]/g, '_')}`.slice(0, 60),
  };
};
