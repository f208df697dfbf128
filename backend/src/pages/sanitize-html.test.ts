import { describe, it, expect } from 'vitest';
import { sanitizeHtml, renderDescription } from './sanitize-html.ts';

/** Cases as data: stored description → rendered HTML. */
const CASES: [string, string][] = [
  ['plain & simple', 'plain &#38; simple'],
  ['<b>bold</b> and <em>em</em>', '<b>bold</b> and <em>em</em>'],
  ['<p onclick="x()">para</p>', '<p>para</p>'],
  ['<script>alert(1)</script>after', 'after'],
  ['<SCRIPT src=x></SCRIPT>ok', 'ok'],
  ['<img src=x onerror=alert(1)>text', 'text'],
  ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
  [
    '<a href="https://example.org/?a=1&b=2" onclick=x>site</a>',
    '<a href="https://example.org/?a=1&#38;b=2" rel="nofollow ugc noopener">site</a>',
  ],
  ['<b>unclosed <i>nest', '<b>unclosed <i>nest</i></b>'],
  ['</li>stray close', 'stray close'],
  ['a < b > c', 'a &#60; b &#62; c'],
  ['1 <2', '1 &#60;2'],
  ['<style>body{}</style><u>u</u>', '<u>u</u>'],
  ['<!-- comment --><br/>', '<br>'],
  ['"quotes" \'single\'', '&#34;quotes&#34; &#39;single&#39;'],
  ['<svg><script>x</script></svg>y', 'y'],
];

describe('sanitizeHtml', () => {
  it.each(CASES)('%s', (input, expected) => expect(sanitizeHtml(input)).toBe(expected));

  it('never lets a tag other than the allowlist through', () => {
    const hostile =
      '<iframe src=//x></iframe><object></object><form><input></form><b style="x">ok</b>' + '<'.repeat(5000);
    const out = sanitizeHtml(hostile);
    const tags = [...out.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
    expect(tags.every((t) => ['b'].includes(t))).toBe(true);
  });

  it('keeps paragraphs of plain text', () => {
    expect(renderDescription('one\ntwo\n\nthree <3')).toBe('<p>one<br>two</p><p>three &#60;3</p>');
  });
});
