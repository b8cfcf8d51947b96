import { describe, expect, it } from 'vitest';
import { INDEX_BY_ATTRIBUTE } from '../../lib/store/table';
import { declaredTable } from '../support/table';

describe('the table declared in serverless.yml', () => {
  it('has the key and the KEYS_ONLY GSIs that lib/store/table.ts uses', () => {
    const table = declaredTable();
    expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    const indexes = new Map(
      table.GlobalSecondaryIndexes.map((index) => [
        index.IndexName,
        { key: index.KeySchema, projection: index.Projection?.ProjectionType },
      ]),
    );
    for (const [attribute, name] of Object.entries(INDEX_BY_ATTRIBUTE)) {
      expect(indexes.get(name)).toEqual({
        key: [{ AttributeName: attribute, KeyType: 'HASH' }],
        projection: 'KEYS_ONLY',
      });
    }
    expect(indexes.size).toBe(Object.keys(INDEX_BY_ATTRIBUTE).length);
  });
});
