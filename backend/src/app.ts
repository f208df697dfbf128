import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from './deps.ts';
import { requestId } from './http/request-id.ts';
import { gatewayAuth } from './http/gateway-auth.ts';
import { postgresNonceStore } from './http/nonce-store.ts';
import { ProblemError } from './http/problem.ts';
import { opsRoutes } from './ops/routes.tsx';
import { httpMetrics } from './ops/http-metrics.ts';
import { metricsRoutes } from './ops/metrics-route.ts';
import { authRoutes } from './auth/routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { providersRoutes } from './providers/routes.ts';
import { paymentsRoutes } from './payments/routes.ts';
import { pagesRoutes } from './pages/routes.ts';
import { creditsPageRoutes } from './payments/credits-pages.tsx';
import { reviewPageRoutes } from './payments/review-pages.tsx';
import { providerPortalRoutes } from './providers/portal-routes.tsx';
import { accountRoutes } from './account/routes.tsx';
import { viewerResolver } from './pages/viewer.ts';
import { problemPage } from './pages/error-pages.tsx';

/** The backend's HTTP surface. Tests build it with their own deps and call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(
    gatewayAuth({
      secret: deps.env.GATEWAY_SHARED_SECRET,
      required: deps.env.REQUIRE_GATEWAY_SIGNATURE,
      nonces: postgresNonceStore(deps.db, {
        onPurgeError: (e) => deps.log.warn({ err: { message: (e as Error).message } }, 'gateway nonce purge failed'),
      }),
      onRefused: (reason, c) =>
        deps.log.warn({ reason, method: c.req.method, path: c.req.path }, 'gateway signature refused'),
    }),
  );
  app.use(requestId());
  app.use(httpMetrics(deps.log));
  app.use(viewerResolver(deps));
  app.use(async function accessLog(c, next) {
    const started = performance.now();
    await next();
    deps.log.info(
      {
        request_id: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  });

  app.route('/', metricsRoutes(deps));
  app.route('/', opsRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', providersRoutes(deps));
  app.route('/', paymentsRoutes(deps));
  app.route('/', creditsPageRoutes(deps));
  app.route('/', reviewPageRoutes(deps));
  app.route('/', providerPortalRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', pagesRoutes(deps));

  app.notFound((c) => problemPage(c, 'NOT_FOUND'));
  app.onError((err, c) => {
    if (err instanceof ProblemError) {
      return problemPage(c, err.code, {
        detail: err.detail,
        errors: err.errors,
        headers: err.headers,
        extra: err.extra,
      });
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemPage(
        c,
        err.status === 413
          ? 'BODY_TOO_LARGE'
          : err.status === 404
            ? 'NOT_FOUND'
            : err.status === 405
              ? 'METHOD_NOT_ALLOWED'
              : 'VALIDATION_FAILED',
        { detail: err.message },
      );
    }
    deps.log.error(
      { request_id: c.get('requestId'), err: { message: err.message, stack: err.stack } },
      'unhandled error',
    );
    return problemPage(c, 'INTERNAL');
  });
  return app;
}
