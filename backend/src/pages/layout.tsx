import type { Child } from 'hono/jsx';
import { loginHref } from '../auth/return-to.ts';
import { SITE_CSS } from '../../../shared/site-style.ts';
import { usePageRequest, type Viewer } from './viewer.ts';

const SITE_NAME = 'Gatehouse Scholarships';

export interface LayoutProps {
  title: string;
  description?: string;
  /** Absolute canonical URL of the page, for crawlers (and Open Graph's og:url). */
  canonical?: string;
  /** Extra <head> children (JSON-LD, robots meta). */
  head?: Child;
  children?: Child;
}

/** Header links for who is looking: each role reaches its own area and can log out from every page. */
function Nav(props: { viewer?: Viewer; here: string }) {
  const v = props.viewer;
  return (
    <nav aria-label="Main">
      <a href="/">
        <strong>{SITE_NAME}</strong>
      </a>
      <a href="/scholarships">Browse</a>
      <a href="/search">Search</a>
      {!v ? (
        <>
          <a href={loginHref(props.here)}>Log in</a>
          <a href="/signup">Sign up</a>
          <a href="/provider/login">Providers</a>
        </>
      ) : (
        <>
          {v.role === 'student' ? (
            <>
              <a href="/account">My account</a>
              <a href="/account/credits">Credits</a>
            </>
          ) : (
            <a href="/provider">Provider portal</a>
          )}
          <span class="who">Logged in as {v.email ?? 'you'}</span>
          {/* A POST form (CSRF-checked by Origin), so it works without JavaScript. */}
          <form method="post" action="/logout" class="inline">
            <button type="submit" class="link">
              Log out
            </button>
          </form>
        </>
      )}
    </nav>
  );
}

/** The one page shell every server-rendered page uses (web-money's credit pages too). */
export function Layout(props: LayoutProps) {
  const req = usePageRequest();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${SITE_NAME}`}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <meta property="og:site_name" content={SITE_NAME} />
        <meta property="og:type" content="website" />
        <meta property="og:title" content={props.title} />
        {props.description ? <meta property="og:description" content={props.description} /> : null}
        {props.canonical ? <meta property="og:url" content={props.canonical} /> : null}
        <style>{SITE_CSS}</style>
        {props.head}
      </head>
      <body>
        <a href="#main" class="skip">
          Skip to content
        </a>
        <header>
          <Nav viewer={req.viewer} here={req.here} />
        </header>
        <main id="main">{props.children}</main>
        <footer>
          Gatehouse · scholarships for every student · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> ·{' '}
          <a href="/contact">Contact</a>
        </footer>
      </body>
    </html>
  );
}
