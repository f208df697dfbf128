/**
 * Renders a stored rich-text description as safe HTML: an allowlist of formatting tags without
 * attributes (links keep only an http(s) href), every other tag dropped, the content of
 * script-like elements dropped, all text escaped. A single linear scan; no backtracking regex.
 */
const ALLOWED = new Set(['b', 'strong', 'i', 'em', 'u', 'p', 'br', 'ul', 'ol', 'li', 'h3', 'h4', 'blockquote', 'a']);
const VOID = new Set(['br']);
/** Elements whose content is code or chrome, never description text. */
const DROP_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'textarea',
  'title',
  'noscript',
  'template',
  'svg',
  'math',
]);
const TAG_NAME = /^\/?([a-zA-Z][a-zA-Z0-9]*)/;
const HREF = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

export const escapeHtml = (t: string) => t.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function safeHref(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** @internal exported for its tests */
export function sanitizeHtml(html: string): string {
  let out = '';
  const open: string[] = [];
  let skipping: string | null = null;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      if (!skipping) out += escapeHtml(html.slice(i));
      break;
    }
    if (!skipping) out += escapeHtml(html.slice(i, lt));
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) {
      if (!skipping) out += escapeHtml(html.slice(lt));
      break;
    }
    const inner = html.slice(lt + 1, gt);
    i = gt + 1;
    const m = TAG_NAME.exec(inner);
    if (!m) {
      if (!skipping && !inner.startsWith('!') && !inner.startsWith('?')) out += escapeHtml(html.slice(lt, gt + 1));
      continue;
    }
    const name = m[1].toLowerCase();
    const closing = inner.startsWith('/');
    if (skipping) {
      if (closing && name === skipping) skipping = null;
      continue;
    }
    if (DROP_CONTENT.has(name)) {
      if (!closing && !inner.endsWith('/')) skipping = name;
      continue;
    }
    if (!ALLOWED.has(name)) continue;
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at < 0) continue;
      while (open.length > at) out += `</${open.pop()}>`;
    } else if (VOID.has(name)) {
      out += `<${name}>`;
    } else if (name === 'a') {
      const hm = HREF.exec(inner);
      const href = safeHref(hm ? (hm[1] ?? hm[2] ?? hm[3]) : undefined);
      out += href ? `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener">` : '<a>';
      open.push('a');
    } else {
      out += `<${name}>`;
      open.push(name);
    }
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}

/** Plain descriptions (no tags) keep their paragraphs: blank lines become <p>, single newlines <br>. */
export function renderDescription(text: string): string {
  if (/<[a-zA-Z/]/.test(text)) return sanitizeHtml(text);
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
