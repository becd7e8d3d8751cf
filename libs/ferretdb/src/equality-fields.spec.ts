import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EQUALITY_FIELDS } from './equality-fields';
import { allKeys } from './keys';

describe('EQUALITY_FIELDS', () => {
  it('is exactly the list the PostgreSQL index trigger indexes', () => {
    const sql = readFileSync(join(__dirname, '../../../deploy/local/postgres/ferretdb-indexes.sql'), 'utf8');
    const listed = /FOREACH k IN ARRAY ARRAY\[([^\]]+)\]/.exec(sql)?.[1];
    expect(listed?.split(',').map((s) => s.trim().replace(/'/g, ''))).toEqual([...EQUALITY_FIELDS]);
  });
});

describe(allKeys.name, () => {
  it('puts the first key where FerretDB pushes it down and the others beside it', () => {
    expect(allKeys([])).toEqual({});
    expect(allKeys(['a:1'])).toEqual({ keys: 'a:1' });
    expect(allKeys(['a:1', 'b:2', 'c:3'])).toEqual({ keys: 'a:1', $and: [{ keys: 'b:2' }, { keys: 'c:3' }] });
  });
});
