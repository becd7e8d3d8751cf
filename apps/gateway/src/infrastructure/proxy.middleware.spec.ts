import { gatewayLocation, hasDotSegment } from './proxy.middleware';

describe(gatewayLocation.name, () => {
  const audit = { prefix: '/api/audit/commitments', rewriteTo: '/api/audit' };
  it('gives a Location under a rewritten prefix as the gateway serves it', () => {
    expect(gatewayLocation(audit, '/api/audit/rebuild/01a2')).toBe('/api/audit/commitments/rebuild/01a2');
    expect(gatewayLocation(audit, '/api/audit')).toBe('/api/audit/commitments');
  });
  it('leaves every other Location alone', () => {
    expect(gatewayLocation(audit, '/api/auditors')).toBe('/api/auditors');
    expect(gatewayLocation({ prefix: '/api/commitments' }, '/api/commitments/x')).toBe('/api/commitments/x');
  });
});

describe(hasDotSegment.name, () => {
  it('finds . and .. segments, raw or percent-encoded, anywhere in the path', () => {
    for (const path of [
      '/api/recommendations/.',
      '/api/recommendations/..',
      '/api/tracker/items/%2e%2e',
      '/api/tracker/items/%2E',
      '/api/recommendations/%2e%2E/commitments',
      '/api/./commitments',
      '/api/audit/commitments/.%2e/x',
      '/api/recommendations/x\\..',
      '/api/recommendations/..\\..\\api/tracker/items',
      '/api/tracker/items/%2e%2e\\x',
    ]) {
      expect({ path, dot: hasDotSegment(path) }).toEqual({ path, dot: true });
      // What the check stands for: the upstream URL names another path than the one requested.
      expect({ path, resolved: new URL(path, 'http://upstream').pathname === path }).toEqual({
        path,
        resolved: false,
      });
    }
  });

  it('leaves names that merely hold dots alone', () => {
    for (const path of [
      '/api/recommendations/export',
      '/api/audit/recommendations/streams/recommendation-1.2',
      '/api/recommendations/clusters/a..b',
      '/api/x/...',
      '/api/x/.hidden',
      '/api/x/%2e%2e%2e',
      '/api/x/a\\b',
      '/api/x/..x\\y',
    ])
      expect({ path, dot: hasDotSegment(path) }).toEqual({ path, dot: false });
  });
});
