import { describe, expect, it } from 'vitest';
import { SampleWindow } from './sample-window.js';

describe('SampleWindow', () => {
  it('interpolates quantiles numerically, not lexically', () => {
    const window = new SampleWindow(10);
    for (const value of [100, 9, 20]) window.add(value);
    expect(window.quantile(0.5)).toBe(20);
    expect(window.quantile(0.25)).toBe(14.5);
    expect(window.quantile(2)).toBe(100);
  });

  it('holds at most its size and clears', () => {
    const window = new SampleWindow(2);
    for (const value of [1, 2, 3]) window.add(value);
    expect([window.count, window.quantile(0)]).toEqual([2, 2]);
    window.clear();
    expect([window.count, window.quantile(0.5)]).toEqual([0, undefined]);
  });
});
