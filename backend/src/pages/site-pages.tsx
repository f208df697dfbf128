import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { Layout } from './layout.tsx';
import { renderPage } from './render.ts';

/** A simple mortarboard mark in the header colour; SVG, so one small file serves every size. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f3a5f"/>' +
  '<path d="M16 7 3 13l13 6 10-4.6V21h2v-7.5L29 13z" fill="#fff"/><path d="M9 17v5c0 2 3.5 3.5 7 3.5s7-1.5 7-3.5v-5l-7 3.2z" fill="#fff"/></svg>';
/** Browsers ask for the icon on every page view: let them keep it for a day. */
const ICON_HEADERS = { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' };

/** Where people can write to us: SUPPORT_EMAIL, else support@ the public host. */
function supportEmail(deps: AppDeps): string {
  return deps.env.SUPPORT_EMAIL ?? `support@${new URL(deps.env.PUBLIC_URL).hostname}`;
}

function Privacy() {
  return (
    <Layout title="Privacy" description="What Gatehouse Scholarships stores about you and why.">
      <h1>Privacy</h1>
      <p>We keep only what the service needs, and we never sell it.</p>
      <h2>What we store</h2>
      <ul>
        <li>Your account: name, email address and a salted hash of your password (never the password itself).</li>
        <li>Your profile, if you fill it in: level, field of study, GPA, state, citizenship and interests. It is used
          only to show which scholarships you qualify for.</li>
        <li>Scholarships you save, and credit purchases with their receipts.</li>
        <li>Server logs with a request id, for security and debugging; they do not contain passwords or card data.</li>
      </ul>
      <h2>Payments</h2>
      <p>Card details go straight to our payment provider's hosted page; they never reach our servers.</p>
      <h2>Cookies</h2>
      <p>Two cookies keep you logged in (HttpOnly, SameSite=Lax). There are no advertising or tracking cookies.</p>
      <h2>Your choices</h2>
      <p>
        You can change or clear your profile at any time on <a href="/account">your account page</a>. To delete your
        account, <a href="/contact">contact us</a>.
      </p>
    </Layout>
  );
}

function Terms() {
  return (
    <Layout title="Terms of use" description="The terms for using Gatehouse Scholarships.">
      <h1>Terms of use</h1>
      <ol>
        <li>Gatehouse lists scholarships offered by other organisations. Each provider decides who receives its award;
          we do not guarantee any award.</li>
        <li>Check every detail (amount, deadline, requirements) with the provider before applying.</li>
        <li>Keep your password to yourself; you are responsible for what is done with your account.</li>
        <li>Do not scrape, overload or attack the service. Automated clients are rate limited.</li>
        <li>Credits you buy are used on Gatehouse only. Refunds follow the refund policy shown on the credits page.</li>
        <li>Providers must list real, open scholarships and answer applicants' questions.</li>
      </ol>
    </Layout>
  );
}

function Contact(props: { email: string }) {
  return (
    <Layout title="Contact" description="How to reach the Gatehouse Scholarships team.">
      <h1>Contact us</h1>
      <p>
        Email <a href={`mailto:${props.email}`}>{props.email}</a>. We answer within two working days.
      </p>
      <p>
        If an error page showed you a <strong>request id</strong>, include it: it lets us find exactly what happened.
      </p>
      <h2>Questions about a scholarship</h2>
      <p>Each scholarship page says how to contact its provider: they decide on applications, not us.</p>
      <h2>Providers</h2>
      <p>
        To list your scholarships, write to us from your organisation's address. Existing providers log in at{' '}
        <a href="/provider/login">the provider portal</a>.
      </p>
    </Layout>
  );
}

/** Privacy, terms and contact pages, and the favicon. */
export function sitePagesRoutes(deps: AppDeps) {
  const app = new Hono();
  const email = supportEmail(deps);
  app.get('/privacy', (c) => renderPage(c, <Privacy />));
  app.get('/terms', (c) => renderPage(c, <Terms />));
  app.get('/contact', (c) => renderPage(c, <Contact email={email} />));
  app.get('/favicon.svg', (c) => c.body(FAVICON_SVG, 200, ICON_HEADERS));
  // Browsers (and crawlers) ask for /favicon.ico regardless of <link rel="icon">; Chromium and Firefox render SVG here.
  app.get('/favicon.ico', (c) => c.body(FAVICON_SVG, 200, ICON_HEADERS));
  return app;
}
