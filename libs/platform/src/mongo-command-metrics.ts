import type { CommandStartedEvent } from 'mongodb';
import { Counter, type Registry } from 'prom-client';

/** What emits the driver's command events: a MongoClient, or a mongoose Connection over one. */
export interface CommandSource {
  on(event: 'commandStarted', listener: (event: CommandStartedEvent) => void): unknown;
}

/** The counter's name: the benches and the idle e2e spec read it from every service's /metrics. */
export const MONGO_COMMANDS_METRIC = 'tracker_mongo_commands_total';

/**
 * Counts every command this service sends to its MongoDB-wire server, by command name, from the
 * driver's command monitoring (the client must be created with `monitorCommands: true`; a mongoose
 * connection re-emits the client's `commandStarted`, from before its first command). Server
 * monitoring (`hello` heartbeats) is not a command event and is not counted. Labelled by command name
 * and the collection it names (a service has a fixed, small set), so a bench can say which read model
 * or store collection an update costs (bench/e2e: commands per assessment).
 */
export const countMongoCommands = (
  source: CommandSource,
  registry: Registry,
): Counter<'command' | 'collection'> => {
  const commands = new Counter({
    name: MONGO_COMMANDS_METRIC,
    help: 'commands sent to the MongoDB-wire server (driver command monitoring)',
    labelNames: ['command', 'collection'],
    registers: [registry],
  });
  source.on('commandStarted', (event: CommandStartedEvent) =>
    commands.inc({ command: event.commandName, collection: collectionOf(event) }),
  );
  return commands;
};

/** The collection a command names: the value of its first field, or `collection` for a getMore. */
const collectionOf = (event: CommandStartedEvent): string => {
  const command = event.command as Record<string, unknown>;
  const named = event.commandName === 'getMore' ? command.collection : command[event.commandName];
  return typeof named === 'string' ? named : '';
};

/** Sums `tracker_mongo_commands_total` over its labels in a Prometheus text exposition. */
export const mongoCommandsIn = (exposition: string): number =>
  exposition
    .split('\n')
    .filter(
      (line) => line.startsWith(`${MONGO_COMMANDS_METRIC}{`) || line.startsWith(`${MONGO_COMMANDS_METRIC} `),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
