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
 * monitoring (`hello` heartbeats) is not a command event and is not counted. One label value per
 * command name, so the series stay few (find, insert, update, findAndModify, ...).
 */
export const countMongoCommands = (source: CommandSource, registry: Registry): Counter<'command'> => {
  const commands = new Counter({
    name: MONGO_COMMANDS_METRIC,
    help: 'commands sent to the MongoDB-wire server (driver command monitoring)',
    labelNames: ['command'],
    registers: [registry],
  });
  source.on('commandStarted', (event: CommandStartedEvent) => commands.inc({ command: event.commandName }));
  return commands;
};

/** Sums `tracker_mongo_commands_total` over its labels in a Prometheus text exposition. */
export const mongoCommandsIn = (exposition: string): number =>
  exposition
    .split('\n')
    .filter(
      (line) => line.startsWith(`${MONGO_COMMANDS_METRIC}{`) || line.startsWith(`${MONGO_COMMANDS_METRIC} `),
    )
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
