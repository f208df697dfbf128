import type { TargetSink } from './sink.ts';

/**
 * Pulls what an XML/SOAP body says out of its markup with one linear scan: the prolog up to the
 * root element (DOCTYPE, ENTITY declarations: the XXE surface) as target `!prolog`, every text
 * node and CDATA section as an `xml` target named by its element, every attribute value as
 * `element@attr`. Not a validating parser: malformed markup still yields its text.
 */
export function extractXml(text: string, sink: TargetSink): void {
  let i = 0;
  const n = text.length;
  let current = '';
  let sawRoot = false;
  let prologEnd = 0;
  while (i < n && !sink.full) {
    const lt = text.indexOf('<', i);
    const chunkEnd = lt < 0 ? n : lt;
    if (chunkEnd > i) {
      const t = text.slice(i, chunkEnd);
      if (t.trim()) sink.push({ kind: 'xml', name: current || '#text', raw: t.trim() });
    }
    if (lt < 0) break;
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const stop = end < 0 ? n : end;
      sink.push({ kind: 'xml', name: current || '#cdata', raw: text.slice(lt + 9, stop) });
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (text[lt + 1] === '?' || text[lt + 1] === '!') {
      // Declarations: <!DOCTYPE … [ … ]> may nest brackets; scan to the matching close.
      let j = lt + 2,
        bracket = 0;
      while (j < n && !(text[j] === '>' && bracket === 0)) {
        if (text[j] === '[') bracket++;
        else if (text[j] === ']') bracket--;
        j++;
      }
      i = j + 1;
      if (!sawRoot) prologEnd = i;
      continue;
    }
    const gt = text.indexOf('>', lt);
    const tagEnd = gt < 0 ? n : gt;
    const tag = text.slice(lt + 1, tagEnd);
    if (!sawRoot && tag[0] !== '/') sawRoot = true;
    if (tag[0] !== '/') {
      const sp = tag.search(/[\s/]/);
      current = (sp < 0 ? tag : tag.slice(0, sp)).slice(0, 100);
      attributes(tag.slice(sp < 0 ? tag.length : sp), current, sink);
    }
    i = tagEnd + 1;
  }
  if (prologEnd > 0) sink.push({ kind: 'xml', name: '!prolog', raw: text.slice(0, prologEnd) }, false);
}

function attributes(s: string, element: string, sink: TargetSink): void {
  let i = 0;
  while (i < s.length && !sink.full) {
    const eq = s.indexOf('=', i);
    if (eq < 0) return;
    const name = s.slice(i, eq).trim().replace(/^\/+/, '');
    let j = eq + 1;
    while (s[j] === ' ') j++;
    const q = s[j];
    if (q === '"' || q === "'") {
      const end = s.indexOf(q, j + 1);
      const stop = end < 0 ? s.length : end;
      sink.push({ kind: 'xml', name: `${element}@${name}`, raw: s.slice(j + 1, stop) });
      i = stop + 1;
    } else {
      const end = s.indexOf(' ', j);
      const stop = end < 0 ? s.length : end;
      sink.push({ kind: 'xml', name: `${element}@${name}`, raw: s.slice(j, stop) });
      i = stop + 1;
    }
  }
}
