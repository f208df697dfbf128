import type { Child } from 'hono/jsx';

/** Small, dependency-free CSS: readable on phones, no client framework. */
const CSS = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1f24;background:#f7f8fa;line-height:1.5}
header{background:#1f3a5f;color:#fff;padding:.75rem 1rem}header a{color:#fff;text-decoration:none;margin-right:1rem}
header nav{max-width:60rem;margin:0 auto;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}a{color:#1f5fa8}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:8px;padding:1rem;margin:.75rem 0}
form.stack{display:grid;gap:.75rem;max-width:26rem}label{display:grid;gap:.25rem;font-weight:600}
input,select,textarea{font:inherit;padding:.5rem;border:1px solid #c5cbd3;border-radius:6px}
button{font:inherit;padding:.55rem 1rem;border:0;border-radius:6px;background:#1f5fa8;color:#fff;cursor:pointer}
.muted{color:#5b6573}.error{color:#a61b1b}.ok{color:#1d6b33}mark{background:#fff3b0}
.pager{display:flex;justify-content:space-between;margin:1rem 0}footer{max-width:60rem;margin:2rem auto;padding:0 1rem;color:#5b6573;font-size:.9rem}
`;

export interface LayoutProps {
  title: string;
  description?: string;
  /** Absolute canonical URL of the page, for crawlers. */
  canonical?: string;
  /** Extra <head> children (JSON-LD, robots meta). */
  head?: Child;
  children?: Child;
}

/** The one page shell every server-rendered page uses. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Gatehouse Scholarships`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        <style>{CSS}</style>
        {props.head}
      </head>
      <body>
        <header>
          <nav>
            <a href="/">
              <strong>Gatehouse Scholarships</strong>
            </a>
            <a href="/scholarships">Browse</a>
            <a href="/search">Search</a>
            <a href="/login">Log in</a>
            <a href="/signup">Sign up</a>
            <a href="/provider/login">Providers</a>
          </nav>
        </header>
        <main>{props.children}</main>
        <footer>Gatehouse · scholarships for every student</footer>
      </body>
    </html>
  );
}
