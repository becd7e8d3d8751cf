import { printable, problem } from './problem';

describe('problem', () => {
  it('never carries control characters, lone surrogates or U+FFFD in its detail', () => {
    const p = problem(422, 'x', 'found: \u0000\u0001ab\u001b[31m\uFFFD\uD800c\u0085d\n');
    expect(p.detail).toBe('found: ?ab?[31m?c?d?');
  });
});

describe(printable.name, () => {
  it('keeps printable text, accents and emoji whole, and cuts at `max` characters', () => {
    expect(printable('Côte d’Ivoire 🇨🇮')).toBe('Côte d’Ivoire 🇨🇮');
    expect(printable('ab😀cd', 3)).toBe('ab😀…');
    expect(printable('abc', 3)).toBe('abc');
  });
});
