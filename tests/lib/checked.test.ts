import { describe, expect, it } from 'vitest';
import { CheckedBefore } from '../../lib/auth/checked';

describe('CheckedBefore', () => {
  it('gives what was remembered once, the latest for a key', () => {
    const checked = new CheckedBefore<string, number>();
    checked.remember('a', 1);
    checked.remember('a', 2);
    expect(checked.take('a')).toBe(2);
    expect(checked.take('a')).toBeUndefined();
  });

  it('keeps at most its limit, forgetting the oldest first', () => {
    const checked = new CheckedBefore<string, number>(2);
    checked.remember('a', 1);
    checked.remember('b', 2);
    checked.remember('a', 3);
    checked.remember('c', 4);
    expect([checked.take('b'), checked.take('a'), checked.take('c')]).toEqual([undefined, 3, 4]);
  });
});
