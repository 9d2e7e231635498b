import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/connectors/shared/index.js';
import { readRetryAfter } from '../../src/connectors/shared/resilience/index.js';

const NOW = new Date('2026-12-05T12:00:00Z');
const read = (value: string | null) => readRetryAfter(value, { maxSeconds: 60, now: NOW });

describe('readRetryAfter', () => {
  it('uses whole seconds as sent', () => {
    expect(read('2')).toEqual({ seconds: 2 });
    expect(read('0')).toEqual({ seconds: 0 });
    expect(read('60')).toEqual({ seconds: 60 });
  });

  it('rounds decimal seconds up', () => {
    expect(read('2.0')).toEqual({ seconds: 2 });
    expect(read('1.2')).toEqual({ seconds: 2 });
  });

  it('gives no wait for a missing header', () => {
    expect(read(null)).toEqual({ seconds: undefined });
    expect(read('  ')).toEqual({ seconds: undefined });
  });

  it('clamps huge seconds with a warning', () => {
    const reading = read('86400');
    expect(reading.seconds).toBe(60);
    expect(reading.warning).toContain('"86400"');
    expect(reading.warning).toContain('above the maximum of 60 s');
  });

  it('ignores negative seconds with a warning', () => {
    const reading = read('-5');
    expect(reading.seconds).toBeUndefined();
    expect(reading.warning).toContain('negative');
  });

  it('reads an HTTP date', () => {
    expect(read('Sat, 05 Dec 2026 12:00:30 GMT')).toEqual({ seconds: 30 });
  });

  it('clamps a far date with a warning', () => {
    const reading = read('Sat, 05 Dec 2026 13:00:00 GMT');
    expect(reading.seconds).toBe(60);
    expect(reading.warning).toContain('3600 s from now');
  });

  it('waits nothing for a past date, with a warning', () => {
    const reading = read('Sat, 05 Dec 2026 11:00:00 GMT');
    expect(reading.seconds).toBe(0);
    expect(reading.warning).toContain('in the past');
  });

  it('ignores unreadable text with a warning', () => {
    const reading = read('soon');
    expect(reading.seconds).toBeUndefined();
    expect(reading.warning).toContain('neither seconds nor an HTTP date');
  });
});

describe('parseRetryAfter', () => {
  it('reads decimal seconds, which Date.parse would take for a year', () => {
    expect(parseRetryAfter('2.0', NOW)).toBe(2);
  });

  it('rejects negative seconds', () => {
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
  });
});
