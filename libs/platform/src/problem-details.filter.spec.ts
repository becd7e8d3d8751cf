import { MongoNetworkError } from 'mongodb';
import { toProblem } from './problem-details.filter';

describe('toProblem', () => {
  it.each([
    [
      'server selection failed (the database is restarting)',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), {
        name: 'MongooseServerSelectionError',
      }),
    ],
    ['the connection dropped', new MongoNetworkError('socket closed')],
  ])('answers 503 database-unavailable when %s: the client should retry', (_why, err) => {
    expect(toProblem(err)).toEqual({
      type: 'https://tracker.example/problems/database-unavailable',
      title: 'Service Unavailable',
      status: 503,
      detail: 'the database is unavailable; retry later',
    });
  });

  it('still answers 500 for anything it does not know', () => {
    expect(toProblem(new TypeError('x is undefined'))).toMatchObject({
      status: 500,
      type: 'https://tracker.example/problems/internal',
    });
  });
});
