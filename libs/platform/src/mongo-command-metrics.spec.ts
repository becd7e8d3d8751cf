import { EventEmitter } from 'node:events';
import type { CommandStartedEvent } from 'mongodb';
import { Registry } from 'prom-client';
import { countMongoCommands, mongoCommandsIn } from './mongo-command-metrics';

const started = (commandName: string): CommandStartedEvent => ({ commandName }) as CommandStartedEvent;

describe(countMongoCommands.name, () => {
  it('counts each commandStarted by command name, and mongoCommandsIn sums them from /metrics', async () => {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'svc' });
    const driver = new EventEmitter();
    countMongoCommands(driver, registry);
    for (const name of ['find', 'find', 'insert', 'findAndModify'])
      driver.emit('commandStarted', started(name));
    driver.emit('commandSucceeded', started('find'));

    const exposition = await registry.metrics();
    expect(exposition).toContain('tracker_mongo_commands_total{command="find",service="svc"} 2');
    expect(exposition).toContain('tracker_mongo_commands_total{command="insert",service="svc"} 1');
    expect(mongoCommandsIn(exposition)).toBe(4);
  });

  it('reads 0 from an exposition without the counter', () => {
    expect(mongoCommandsIn('# HELP x\nx 3\n')).toBe(0);
  });
});
