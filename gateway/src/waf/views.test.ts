import { describe, expect, it } from 'vitest';
import { HIGH, LOOSE_QUOTE, ReusableViews, TIGHT_DOT, valueViews } from './views.ts';

describe('value views', () => {
  it('lower, collapsed and compact forms and a presence table', () => {
    const v = valueViews('Jav\tA  Script:\nX');
    expect(v.lower).toBe('jav\ta  script:\nx');
    expect(v.collapsed).toBe('jav a script: x');
    expect(v.compact).toBe('javascript:x');
    expect(v.has[':'.charCodeAt(0)]).toBe(1);
    expect(v.has[';'.charCodeAt(0)]).toBe(0);
  });

  it('each value has its own presence table (views of another value never change it)', () => {
    const a = valueViews('a;b');
    const hasA = a.has;
    const b = valueViews('<script>');
    expect(b.has[60]).toBe(1);
    expect(a.has).toBe(hasA);
    expect([hasA[59], hasA[60]]).toEqual([1, 0]);
  });

  it('reused views (one per inspection, in the engine) forget the previous value entirely', () => {
    const views = new ReusableViews().of('A;B\tc');
    expect([views.has[59], views.lower, views.compact]).toEqual([1, 'a;b\tc', 'a;bc']);
    views.of('<X>');
    expect([views.has[59], views.has[60], views.lower, views.collapsed, views.compact]).toEqual([
      0,
      1,
      '<x>',
      '<x>',
      '<x>',
    ]);
    // Long values take the native-scan path; a short value after one must not inherit its letters.
    views.of('x'.repeat(2000) + '$');
    expect([views.has[36], views.has[97]]).toEqual([1, 1]);
    views.of('1');
    expect([views.has[36], views.has[97], views.has[49]]).toEqual([0, 0, 1]);
  });
});

describe('presence table shape facts', () => {
  it.each([
    ['Forward. When we met, it was late.', false, false],
    ["our library's catalog, O'Brien's essay", false, false],
    ['java.lang.Runtime', true, false],
    ['../etc/passwd', true, false],
    ["admin' --", false, true],
    ["'or'1", false, true],
    ["the students' parents", false, true],
  ])('%s → tight dot %s, loose quote %s', (v, dot, quote) => {
    const has = valueViews(v).has;
    expect(has[TIGHT_DOT] === 1).toBe(dot);
    expect(has[LOOSE_QUOTE] === 1).toBe(quote);
  });
  it('marks non-ASCII text and every character, short and long', () => {
    expect(valueViews('café').has[HIGH]).toBe(1);
    expect(valueViews('x'.repeat(5000) + 'é').has[HIGH]).toBe(1);
    expect(valueViews('x'.repeat(5000)).has[HIGH]).toBe(0);
    const long = valueViews('a'.repeat(3000) + '<b>;').has;
    expect([long[60], long[59], long[36]]).toEqual([1, 1, 0]);
  });
});
