import { describe, expect, it } from 'vitest';
import { median, percentiles, quantile, table } from '../../bench/stats';

describe('quantile', () => {
  it('picks an observed value by nearest rank, whatever the order of the samples', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(median(samples)).toBe(3);
    expect(quantile(samples, 0)).toBe(1);
    expect(quantile(samples, 1)).toBe(5);
    expect(quantile(samples, 0.8)).toBe(4);
  });

  it('gives the tail of a hundred samples at p95 and p99', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(samples)).toEqual({ p50: 50, p95: 95, p99: 99 });
  });

  it('is NaN for no samples rather than a made-up number', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe('table', () => {
  it('prints a markdown table with a separator row', () => {
    expect(table(['a', 'b'], [['1', '2']])).toBe('| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});
