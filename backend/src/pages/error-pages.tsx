import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { problem, wantsHtml, type ErrorCode, type FieldError } from '../../../shared/errors.ts';
import { errorAdvice, retryAfterSeconds } from '../../../shared/error-page.ts';
import { problemResponse } from '../http/problem.ts';
import { Layout } from './layout.tsx';
import { renderPage } from './render.ts';

type Problem = ReturnType<typeof problem>;

function ErrorPage(props: { p: Problem; retryAfter?: number }) {
  const a = errorAdvice(props.p, props.retryAfter);
  return (
    <Layout title={a.heading} head={<meta name="robots" content="noindex" />}>
      <h1>{a.heading}</h1>
      {a.lines.map((l) => (
        <p>{l}</p>
      ))}
      <ul>
        {a.links.map((l) => (
          <li>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
      <p class="muted">
        <small>
          Error {props.p.status} · code <code>{props.p.code}</code> · request id <code>{props.p.request_id}</code>
        </small>
      </p>
    </Layout>
  );
}

/**
 * A problem for this request: problem+json for API clients, or (when the client asks for HTML) a
 * real page in the site layout, with the header showing who is logged in. Same status and headers.
 */
export async function problemPage(
  c: Context,
  code: ErrorCode,
  opts: { detail?: string; errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): Promise<Response> {
  if (!wantsHtml(c.req.header('accept')) || c.req.path.startsWith('/api/')) return problemResponse(c, code, opts);
  const p = problem(code, c.get('requestId') ?? 'unknown', opts);
  for (const [k, v] of Object.entries(opts.headers ?? {})) c.header(k, v);
  c.header('cache-control', 'no-store');
  try {
    return await renderPage(
      c,
      <ErrorPage p={p} retryAfter={retryAfterSeconds(opts.headers?.['retry-after'])} />,
      p.status as ContentfulStatusCode,
    );
  } catch {
    // The layout looks up the viewer (a database read); with the database down, the plain page still answers.
    return problemResponse(c, code, opts);
  }
}
