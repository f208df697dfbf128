/**
 * Route classes of the RED metrics and the dashboard. A request is labelled with its class and a
 * route pattern from this fixed table, never its raw path: label cardinality is bounded by the
 * table, whatever paths clients send.
 */
export const ROUTE_CLASSES = [
  'auth',
  'search',
  'catalog',
  'pages',
  'purchase',
  'refund',
  'webhook',
  'provider',
  'ops',
  'other',
] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

export interface RouteLabel {
  routeClass: RouteClass;
  /** A pattern from ROUTES (e.g. `/api/scholarships/:slug`) or `other`. */
  route: string;
}

/** [pattern, class, matcher]; first match wins, so specific patterns come before their prefixes. */
const ROUTES: [string, RouteClass, RegExp][] = [
  ['/api/search', 'search', /^\/api\/search\/?$/],
  ['/search', 'search', /^\/search\/?$/],
  ['/api/scholarships', 'catalog', /^\/api\/scholarships\/?$/],
  ['/api/scholarships/:slug', 'catalog', /^\/api\/scholarships\/[^/]+\/?$/],
  ['/api/eligibility', 'catalog', /^\/api\/eligibility\/?$/],
  ['/api/recommendations', 'catalog', /^\/api\/recommendations\/?$/],
  ['/api/credits/purchases/:id/refunds', 'refund', /^\/api\/credits\/purchases\/[^/]+\/refunds\/?$/],
  ['/api/credits/purchases/:id', 'purchase', /^\/api\/credits\/purchases\/[^/]+\/?$/],
  ['/api/credits/purchases', 'purchase', /^\/api\/credits\/purchases\/?$/],
  ['/api/credits/*', 'purchase', /^\/api\/credits\//],
  ['/webhooks/stripe', 'webhook', /^\/webhooks\/stripe\/?$/],
  ['/api/provider/login', 'auth', /^\/api\/provider\/login\/?$/],
  ['/api/provider/*', 'provider', /^\/api\/provider(\/|$)/],
  ['/api/auth/*', 'auth', /^\/api\/auth\//],
  ['/api/me', 'auth', /^\/api\/me(\/|$)/],
  ['/.well-known/jwks.json', 'auth', /^\/\.well-known\/jwks\.json$/],
  ['/login', 'auth', /^\/(provider\/)?login\/?$/],
  ['/signup', 'auth', /^\/signup\/?$/],
  ['/reset-password', 'auth', /^\/reset-password(\/confirm)?\/?$/],
  ['/logout', 'auth', /^\/logout\/?$/],
  ['/metrics', 'ops', /^\/metrics$/],
  ['/healthz', 'ops', /^\/(healthz|readyz)$/],
  ['/api/ops/*', 'ops', /^\/api\/ops\//],
  ['/ops', 'ops', /^\/(ops|status)\/?$/],
  ['/api/dev/*', 'ops', /^\/api\/dev\//],
  ['/', 'pages', /^\/$/],
  ['/scholarships', 'pages', /^\/scholarships\/?$/],
  ['/scholarships/:slug', 'pages', /^\/scholarships\/[^/]+\/?$/],
  ['/robots.txt', 'pages', /^\/(robots\.txt|sitemap\.xml)$/],
  ['/provider', 'pages', /^\/provider(\/|$)/],
  ['/account', 'pages', /^\/(account|credits|checkout)(\/|$)/],
];

/** Every route pattern a metric label may carry (for tests and the dashboards). */
export const ROUTE_PATTERNS: readonly string[] = [...ROUTES.map((r) => r[0]), 'other'];

const OTHER: RouteLabel = { routeClass: 'other', route: 'other' };
const LABELS = new Map(ROUTES.map(([p, cls]) => [p, { routeClass: cls, route: p } as RouteLabel]));

/** The class and pattern of a path (query string excluded). */
export function classifyRoute(path: string): RouteLabel {
  for (const [pattern, , re] of ROUTES) if (re.test(path)) return LABELS.get(pattern)!;
  return OTHER;
}
