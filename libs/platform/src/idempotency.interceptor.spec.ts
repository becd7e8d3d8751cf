import { idempotencyRedisKey, requestFingerprint } from './idempotency.interceptor';

describe(requestFingerprint.name, () => {
  it('is the same for the same JSON body whatever the key order', () => {
    expect(requestFingerprint({ body: { a: 1, b: { c: [1, 2] } }, headers: {} })).toBe(
      requestFingerprint({ body: { b: { c: [1, 2] }, a: 1 }, headers: {} }),
    );
  });

  it('differs for a different body', () => {
    expect(requestFingerprint({ body: { a: 1 }, headers: {} })).not.toBe(
      requestFingerprint({ body: { a: 2 }, headers: {} }),
    );
  });

  it('identifies an unparsed body by its type and length', () => {
    const multipart = { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '123' };
    expect(requestFingerprint({ body: undefined, headers: multipart })).toBe(
      requestFingerprint({ body: undefined, headers: { ...multipart } }),
    );
    expect(requestFingerprint({ body: undefined, headers: multipart })).not.toBe(
      requestFingerprint({ body: undefined, headers: { ...multipart, 'content-length': '124' } }),
    );
  });
});

describe(idempotencyRedisKey.name, () => {
  it('scopes a key to the namespace, the service, the caller, the method and the path', () => {
    const base = idempotencyRedisKey('', 'commitments', 'alice', 'POST', '/api/commitments', 'k1');
    expect(base).toMatch(/^idempotency:commitments:[0-9a-f]{64}$/);
    expect(idempotencyRedisKey('staging.', 'commitments', 'alice', 'POST', '/api/commitments', 'k1')).toBe(
      `staging.${base}`,
    );
    expect(idempotencyRedisKey('', 'commitments', 'alice', 'post', '/api/commitments', 'k1')).toBe(base);
    for (const other of [
      idempotencyRedisKey('', 'recommendations', 'alice', 'POST', '/api/commitments', 'k1'),
      idempotencyRedisKey('', 'commitments', 'bob', 'POST', '/api/commitments', 'k1'),
      idempotencyRedisKey('', 'commitments', 'alice', 'POST', '/api/commitments/x/fulfil', 'k1'),
      idempotencyRedisKey('', 'commitments', 'alice', 'POST', '/api/commitments', 'k2'),
    ])
      expect(other).not.toBe(base);
  });
});
