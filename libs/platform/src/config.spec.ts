import { hostname } from 'node:os';
import { baseConfigSchema, ConfigError, loadConfig } from './config';

const env = (extra: Record<string, string> = {}) => ({ PORT: '0', MONGO_DB: 'svc', ...extra });

describe('base configuration: connection pool and relay polling', () => {
  it('defaults to a pool for 2 cores and a relay that polls every 5 s under a 15 s lease', () => {
    expect(loadConfig(baseConfigSchema, env())).toMatchObject({
      MONGO_MAX_POOL_SIZE: 10,
      RELAY_POLL_INTERVAL_MS: 5_000,
      RELAY_LEASE_TTL_MS: 15_000,
    });
  });

  it.each([
    ['RELAY_POLL_INTERVAL_MS', '50'],
    ['RELAY_POLL_INTERVAL_MS', '120000'],
    ['RELAY_POLL_INTERVAL_MS', 'soon'],
    ['RELAY_LEASE_TTL_MS', '500'],
    ['MONGO_MAX_POOL_SIZE', '0'],
  ])('refuses %s=%s at boot', (name, value) => {
    expect(() => loadConfig(baseConfigSchema, env({ [name]: value }))).toThrow(ConfigError);
    expect(() => loadConfig(baseConfigSchema, env({ [name]: value }))).toThrow(name);
  });
});

describe('base configuration: INSTANCE_ID', () => {
  it('defaults to the host name and the pid: containers of one image are all pid 1', () => {
    expect(loadConfig(baseConfigSchema, env()).INSTANCE_ID).toBe(`${hostname()}-${process.pid}`);
    expect(loadConfig(baseConfigSchema, env({ INSTANCE_ID: 'pod-a' })).INSTANCE_ID).toBe('pod-a');
  });
});
