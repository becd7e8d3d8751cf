import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Prepended to every topic name; tests use it so concurrent suites never share a topic. */
  readonly topicPrefix: string;
}

export type KafkaLog = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: object) => void;

export const createKafka = (settings: KafkaSettings, log?: KafkaLog): Kafka => {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...extra } = entry;
        const name =
          level <= logLevel.ERROR
            ? 'error'
            : level === logLevel.WARN
              ? 'warn'
              : level === logLevel.INFO
                ? 'info'
                : 'debug';
        log?.(name, `kafka: ${message}`, extra);
      },
  };
  return new Kafka(config);
};
