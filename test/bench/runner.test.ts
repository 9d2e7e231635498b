import { describe, expect, it } from 'vitest';
import { jainIndex } from '../../bench/jain.js';
import { BENCHMARK_NAMES, selectBenchmarks } from '../../bench/names.js';

describe('benchmark selection', () => {
  it('rejects a missing name and lists the names', () => {
    const selection = selectBenchmarks([]);
    expect(selection.ok).toBe(false);
    if (selection.ok) return;
    for (const name of BENCHMARK_NAMES) expect(selection.message).toContain(name);
  });

  it('rejects an unknown name', () => {
    const selection = selectBenchmarks(['import-quota', 'speed']);
    expect(selection).toMatchObject({ ok: false });
    if (selection.ok) return;
    expect(selection.message).toContain('"speed"');
  });

  it('expands all to every benchmark in order', () => {
    expect(selectBenchmarks(['all'])).toEqual({ ok: true, names: ['import-quota', 'fairness', 'two-workers', 'push-calls'] });
  });

  it('rejects all combined with a name', () => {
    expect(selectBenchmarks(['all', 'fairness'])).toMatchObject({ ok: false });
  });

  it('keeps named benchmarks once each', () => {
    expect(selectBenchmarks(['push-calls', 'fairness', 'push-calls'])).toEqual({ ok: true, names: ['push-calls', 'fairness'] });
  });
});

describe('jainIndex', () => {
  it('is 1 for equal shares', () => {
    expect(jainIndex([7, 7, 7, 7])).toBe(1);
  });

  it('is 1/n when one party gets everything', () => {
    expect(jainIndex([12, 0, 0, 0])).toBeCloseTo(0.25, 12);
  });

  it('matches the formula for uneven shares', () => {
    // (4 + 1 + 1)^2 / (3 * (16 + 1 + 1)) = 36 / 54
    expect(jainIndex([4, 1, 1])).toBeCloseTo(2 / 3, 12);
  });

  it('rejects empty, negative and all-zero shares', () => {
    expect(() => jainIndex([])).toThrow(RangeError);
    expect(() => jainIndex([1, -1])).toThrow(/share -1/);
    expect(() => jainIndex([0, 0])).toThrow(/every share is 0/);
    expect(() => jainIndex([1, Number.NaN])).toThrow(RangeError);
  });
});
