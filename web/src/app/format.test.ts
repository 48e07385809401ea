import { describe, expect, it } from 'vitest';
import { formatAge, formatCount } from './format';

describe('formatAge', () => {
  it('says how long ago in the largest whole unit', () => {
    const now = 1_000_000;
    expect(formatAge(now - 45, now)).toBe('45 s');
    expect(formatAge(now - 12 * 60 - 5, now)).toBe('12 min');
    expect(formatAge(now - 3 * 3600 - 59, now)).toBe('3 h');
    expect(formatAge(now - 86400, now)).toBe('1 day');
    expect(formatAge(now - 5 * 86400, now)).toBe('5 days');
  });

  it('never goes negative for a clock slightly behind the server', () => {
    expect(formatAge(1_000_010, 1_000_000)).toBe('0 s');
  });
});

describe('formatCount', () => {
  it('keeps small counts whole and shortens large ones without rounding up', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(812)).toBe('812');
    expect(formatCount(1000)).toBe('1k');
    expect(formatCount(1299)).toBe('1.2k');
    expect(formatCount(12_345)).toBe('12k');
    expect(formatCount(999_999)).toBe('999k');
    expect(formatCount(1_350_000)).toBe('1.3M');
  });
});
