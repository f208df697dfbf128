import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppDeps } from './deps.ts';
import { requestId } from './http/request-id.ts';
import { gatewayAuth } from './http/gateway-auth.ts';
import { ProblemError, problemResponse } from './http/problem.ts';
import { opsRoutes } from './ops/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { catalogRoutes } from './catalog/routes.ts';
import { providersRoutes } from './providers/routes.ts';
import { paymentsRoutes } from './payments/routes.ts';
import { pagesRoutes } from './pages/routes.ts';
import { creditsPageRoutes } from './payments/credits-pages.tsx';
import { reviewPageRoutes } from './payments/review-pages.tsx';
import { providerPortalRoutes } from './providers/portal-routes.tsx';

/** The backend's HTTP surface. Tests build it with their own deps and call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(gatewayAuth({ secret: deps.env.GATEWAY_SHARED_SECRET, required: deps.env.REQUIRE_GATEWAY_SIGNATURE }));
  app.use(requestId());
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

  app.route('/', opsRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', catalogRoutes(deps));
  app.route('/', providersRoutes(deps));
  app.route('/', paymentsRoutes(deps));
  app.route('/', creditsPageRoutes(deps));
  app.route('/', reviewPageRoutes(deps));
  app.route('/', providerPortalRoutes(deps));
  app.route('/', pagesRoutes(deps));

  app.notFound((c) => problemResponse(c, 'NOT_FOUND'));
  app.onError((err, c) => {
    if (err instanceof ProblemError) {
      return problemResponse(c, err.code, {
        detail: err.detail,
        errors: err.errors,
        headers: err.headers,
        extra: err.extra,
      });
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(
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
    return problemResponse(c, 'INTERNAL');
  });
  return app;
}
