import { describe, expect, it } from 'vitest';
import { formatAge } from './format';

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
