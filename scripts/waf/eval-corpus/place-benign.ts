import {
  ADDRESSES,
  APPLICATION_ANSWERS,
  ESSAY_PARAGRAPHS,
  LISTINGS,
  NAMES,
  PASSWORDS,
  SEARCHES,
  SLUGS,
} from './benign-texts.ts';
import { BROWSER_UA, baseHeaders, type EvalRequest } from './request.ts';

type Benign = EvalRequest & { family: string; placement: string };
const enc = encodeURIComponent;

/** A small deterministic PRNG (mulberry32), so the corpus rebuilds byte for byte. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = (method: string, uri: string, body: unknown, i: number, family: string): Benign => ({
  family,
  placement: 'json',
  method,
  uri,
  headers: { ...baseHeaders(i), 'Content-Type': 'application/json', Cookie: `gh_session=s${i}x9f2k` },
  body: JSON.stringify(body),
});

/** Every benign request: essays, answers, listings, searches, signups, logins, addresses, browsing. */
export function benignRequests(): Benign[] {
  const r = rng(20261130);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const out: Benign[] = [];
  // Essays: 1-3 paragraphs each, every paragraph used at least three times.
  for (let i = 0; i < 185; i++) {
    const n = 1 + Math.floor(r() * 3);
    const paras = [ESSAY_PARAGRAPHS[i % ESSAY_PARAGRAPHS.length]];
    while (paras.length < n) paras.push(pick(ESSAY_PARAGRAPHS));
    const essay = paras.join('\n\n');
    out.push(
      i % 5 === 4
        ? {
            family: 'essay',
            placement: 'form',
            method: 'POST',
            uri: '/api/me/profile',
            headers: { ...baseHeaders(i), 'Content-Type': 'application/x-www-form-urlencoded' },
            body: `essay=${enc(essay)}&state=NY`,
          }
        : json('PUT', '/api/me/profile', { level: 'undergraduate', state: 'CA', essay }, i, 'essay'),
    );
  }
  // Application answers and contact messages.
  for (let i = 0; i < 60; i++) {
    const answers = [0, 1, 2].map((k) => ({
      id: `q${k + 1}`,
      text: APPLICATION_ANSWERS[(i * 3 + k) % APPLICATION_ANSWERS.length],
    }));
    out.push(json('PUT', '/api/me/profile', { answers }, i, 'answers'));
  }
  // Provider listings (rich text), create and update.
  for (let i = 0; i < 45; i++) {
    const description = LISTINGS[i % LISTINGS.length];
    const body = {
      title: `${pick(['STEM', 'Nursing', 'Arts', 'Agriculture', 'First-Gen'])} Award ${2026 + (i % 3)}`,
      description,
      amount: 1000 + 250 * i,
      deadline: '2027-03-01',
    };
    out.push(
      i % 3
        ? json('POST', '/api/provider/scholarships', body, i, 'listing')
        : json('PATCH', `/api/provider/scholarships/${100 + i}`, { description }, i, 'listing'),
    );
  }
  // Searches: API and pages, some with filters.
  SEARCHES.forEach((q, i) => {
    const h = baseHeaders(i);
    out.push({
      family: 'search',
      placement: 'query',
      method: 'GET',
      uri: `/api/search?q=${enc(q)}&limit=20`,
      headers: h,
    });
    out.push({
      family: 'search',
      placement: 'query',
      method: 'GET',
      uri: `/search?q=${enc(q).replace(/%20/g, '+')}`,
      headers: { ...h, Referer: 'https://gatehouse.example/' },
    });
  });
  // Signups and logins with unusual names and passwords, JSON and forms; logins with a local next.
  for (let i = 0; i < 60; i++) {
    const name = NAMES[i % NAMES.length];
    const password = PASSWORDS[i % PASSWORDS.length];
    const email = `${
      name
        .toLowerCase()
        .replace(/[^a-z]+/g, '.')
        .replace(/^\.|\.$/g, '') || 'student'
    }+aid${i}@example.edu`;
    if (i % 2) out.push(json('POST', '/api/auth/signup', { email, password, name }, i, 'signup'));
    else
      out.push({
        family: 'signup',
        placement: 'form',
        method: 'POST',
        uri: '/signup',
        headers: { ...baseHeaders(i), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `name=${enc(name)}&email=${enc(email)}&password=${enc(password)}`,
      });
  }
  const NEXT = [
    '/scholarships',
    '/provider',
    `/scholarships/${SLUGS[0]}`,
    '/search?q=nursing',
    'https://gatehouse.example/me',
    '/scholarships?state=CA&level=graduate',
  ];
  for (let i = 0; i < 36; i++) {
    const password = PASSWORDS[(i * 5) % PASSWORDS.length];
    const next = NEXT[i % NEXT.length];
    if (i % 3 === 0)
      out.push({
        family: 'login',
        placement: 'query',
        method: 'GET',
        uri: `/login?next=${enc(next)}`,
        headers: baseHeaders(i),
      });
    else if (i % 3 === 1)
      out.push(
        json('POST', '/api/auth/login', { email: `student${i}@example.edu`, password, return_to: next }, i, 'login'),
      );
    else
      out.push({
        family: 'login',
        placement: 'form',
        method: 'POST',
        uri: '/login',
        headers: {
          ...baseHeaders(i),
          'Content-Type': 'application/x-www-form-urlencoded',
          Referer: 'https://gatehouse.example/login',
        },
        body: `email=student${i}%40example.edu&password=${enc(password)}&next=${enc(next)}`,
      });
  }
  // Profiles with addresses and interests.
  for (let i = 0; i < 30; i++) {
    const a = ADDRESSES[i % ADDRESSES.length];
    out.push(
      json(
        'PUT',
        '/api/me/profile',
        {
          address: a,
          field_of_study: pick([
            'Computer Science',
            'Nursing',
            'Music & Theater',
            'Pre-Law / Political Science',
            'Bio-Chem',
          ]),
          interests: ['robotics', 'c++', 'k-pop', 'volunteering'],
        },
        i,
        'address',
      ),
    );
  }
  // Browsing: pages, slugs, cookies, real user agents, a same-host forwarded header behind a proxy.
  for (let i = 0; i < 80; i++) {
    const ua = BROWSER_UA[i % BROWSER_UA.length];
    const slug = SLUGS[i % SLUGS.length];
    const cookie = `gh_session=s${i}k2; _ga=GA1.1.${1000000 + i}.1732900000; consent={"analytics":true,"ads":false}; theme=dark`;
    const uri = [
      `/scholarships/${slug}`,
      `/api/scholarships/${slug}`,
      '/scholarships?state=TX&level=undergraduate&sort=deadline',
      `/api/scholarships?field=engineering&min_amount=1000&cursor=eyJkIjoiMjAyNy0wMy0wMSIsImkiOjQyfQ`,
      '/',
      '/api/credits/packages',
      '/provider',
    ][i % 7];
    const headers: Record<string, string> = { ...baseHeaders(i), 'User-Agent': ua, Cookie: cookie };
    if (i % 10 === 0) headers['X-Forwarded-Host'] = 'gatehouse.example';
    if (i % 4 === 1) headers.Referer = `https://www.google.com/search?q=${enc(`${pick(SEARCHES)} scholarship`)}`;
    out.push({ family: 'browse', placement: i % 2 ? 'cookie' : 'user-agent', method: 'GET', uri, headers });
  }
  return out;
}
