import { aggregateOf, idInStream, streamIdOf } from './stream-id';

describe('stream ids', () => {
  it('give the id of a stream of the named aggregate only', () => {
    const id = '0193a0c4-1b2c-7d3e-8f40-123456789abc';
    expect(idInStream(streamIdOf('commitment', id), 'commitment')).toBe(id);
    expect(idInStream(streamIdOf('commitment', id), 'recommendation')).toBeNull();
    // A cluster key may hold dashes; an aggregate named as another's prefix is not it.
    expect(idInStream('cluster-women-and-girls', 'cluster')).toBe('women-and-girls');
    expect(idInStream('commitments-x', 'commitment')).toBeNull();
    expect(aggregateOf('cluster-women-and-girls')).toBe('cluster');
  });
});
