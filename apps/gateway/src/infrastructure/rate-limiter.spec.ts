import { RateLimiter } from './rate-limiter';

describe(RateLimiter.name, () => {
  let clock: number;
  let sut: RateLimiter;
  beforeEach(() => {
    clock = 1_000_000;
    sut = new RateLimiter(60, () => clock);
  });

  it('allows a full bucket of requests at once, then asks to wait', () => {
    for (let i = 0; i < 60; i += 1) expect(sut.take('alice')).toBe(0);
    expect(sut.take('alice')).toBe(1);
  });

  it('refills at the configured rate', () => {
    for (let i = 0; i < 60; i += 1) sut.take('alice');
    clock += 999;
    expect(sut.take('alice')).toBe(1);
    clock += 1;
    expect(sut.take('alice')).toBe(0);
    expect(sut.take('alice')).toBeGreaterThan(0);
  });

  it('keeps one bucket per principal', () => {
    for (let i = 0; i < 60; i += 1) sut.take('alice');
    expect(sut.take('alice')).toBeGreaterThan(0);
    expect(sut.take('bob')).toBe(0);
  });

  it('says how many whole seconds to wait at a low rate', () => {
    const slow = new RateLimiter(2, () => clock);
    expect([slow.take('a'), slow.take('a')]).toEqual([0, 0]);
    expect(slow.take('a')).toBe(30);
    clock += 29_000;
    expect(slow.take('a')).toBe(1);
  });

  it('never lets a bucket hold more than a minute of requests', () => {
    clock += 3_600_000;
    for (let i = 0; i < 60; i += 1) expect(sut.take('carol')).toBe(0);
    expect(sut.take('carol')).toBeGreaterThan(0);
  });
});
