import { EventEmitter } from 'node:events';
import type { CommandStartedEvent } from 'mongodb';
import { Registry } from 'prom-client';
import { countMongoCommands, mongoCommandsIn } from './mongo-command-metrics';

const started = (commandName: string, collection = 'events'): CommandStartedEvent =>
  ({
    commandName,
    command: commandName === 'getMore' ? { getMore: 1, collection } : { [commandName]: collection },
  }) as unknown as CommandStartedEvent;

describe(countMongoCommands.name, () => {
  it('counts each commandStarted by command and collection, and mongoCommandsIn sums them', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'svc' });
    const driver = new EventEmitter();
    countMongoCommands(driver, registry);
    for (const name of ['find', 'find', 'insert', 'findAndModify', 'getMore'])
      driver.emit('commandStarted', started(name));
    driver.emit('commandStarted', started('find', 'tracker_items'));
    driver.emit('commandSucceeded', started('find'));

    const exposition = await registry.metrics();
    const line = (command: string, collection: string, n: number): string =>
      `tracker_mongo_commands_total{command="${command}",collection="${collection}",service="svc"} ${n}`;
    expect(exposition).toContain(line('find', 'events', 2));
    expect(exposition).toContain(line('find', 'tracker_items', 1));
    expect(exposition).toContain(line('insert', 'events', 1));
    expect(exposition).toContain(line('getMore', 'events', 1));
    expect(mongoCommandsIn(exposition)).toBe(6);
  });

  it('reads 0 from an exposition without the counter', () => {
    expect(mongoCommandsIn('# HELP x\nx 3\n')).toBe(0);
  });
});
