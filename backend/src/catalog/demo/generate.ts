import { FIELDS, FIELD_SLUGS, LEVELS, US_STATES, type Field } from '../taxonomy.ts';
import { slugify } from '../slug.ts';
import { streamFor, pick, int, sample, uuidFrom, type Rng } from './prng.ts';
import {
  DONORS,
  THEMES,
  AWARD_WORDS,
  AUDIENCES,
  PROVIDERS,
  STEM_FIELDS,
  THEME_AUDIENCE,
  OPENERS,
  MIDDLES,
  CLOSERS,
  ESSAY_SENTENCE,
} from './words.ts';

/** Namespace of the demo streams: changing it changes every generated row. */
const SEED_NAMESPACE = 'gatehouse-demo-v1';
/** Award sizes as real programs use them, weighted toward the common small awards. */
const AMOUNTS = [
  500, 500, 1000, 1000, 1000, 1500, 2000, 2000, 2500, 3000, 5000, 5000, 7500, 10000, 15000, 20000, 25000,
] as const;
const DAY_MS = 86_400_000;

export interface DemoProvider {
  id: string;
  slug: string;
  name: string;
  website: string;
}

export interface DemoScholarship {
  id: string;
  slug: string;
  provider_index: number;
  title: string;
  description: string;
  amount: number;
  deadline: string;
  levels: string[];
  fields: string[];
  min_gpa: string | null;
  states: string[];
  citizenship: string[];
  essay_required: boolean;
  published: boolean;
  created_at: string;
}

export const DEMO_PROVIDERS: DemoProvider[] = PROVIDERS.map(({ name }, i) => {
  const slug = slugify(name);
  return {
    id: uuidFrom(streamFor(`${SEED_NAMESPACE}:provider`, i)),
    slug,
    name,
    website: `https://${slug}.example.org`,
  };
});

/** Themes that fit a field: "Women in STEM" only for science and technology; "Veterans" is the veterans fund's. */
const themesFor = (field: Field) =>
  THEMES.filter((t) => (t !== 'Women in STEM' || STEM_FIELDS.includes(field)) && t !== 'Veterans');
/** Audiences a theme does not already name: targeted groups only come with their theme. */
const TARGETED = new Set(Object.values(THEME_AUDIENCE));
const audiencesFor = (field: Field) =>
  AUDIENCES.filter((a) => !TARGETED.has(a) && (a !== 'future teachers and mentors' || field === 'education'));
/** "english" reads wrong in a sentence; other field names are common nouns. */
const inSentence = (field: Field) => (field === 'english' ? 'English' : FIELDS[field].toLowerCase());

function titleFor(
  rng: Rng,
  field: Field,
  provider: (typeof PROVIDERS)[number],
): { title: string; donor: string; award: string; theme: string } {
  // A family foundation gives in its family's name.
  const family = /^(\w+) Family Foundation$/.exec(provider.name)?.[1];
  const donor = family ?? pick(rng, DONORS);
  const theme = provider.theme ?? pick(rng, themesFor(field));
  const award = pick(rng, AWARD_WORDS);
  const label = FIELDS[field];
  const patterns = [
    `${donor} ${theme} ${award} in ${label}`,
    `${donor} Memorial ${award} for ${label} Students`,
    `${label} ${theme} ${award}`,
    `${theme} ${award} for Future ${label} Professionals`,
    `${donor} Family ${label} ${award}`,
  ];
  return { title: pick(rng, patterns), donor, award: award.toLowerCase(), theme };
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

/**
 * Scholarship number `index` of the demo catalog. Depends only on the index and `anchor` (the day
 * deadlines count from), so the same count always yields the same rows.
 */
export function demoScholarship(index: number, anchor: Date): DemoScholarship {
  const rng = streamFor(SEED_NAMESPACE, index);
  const id = uuidFrom(rng);
  // Provider first, then a field it funds: titles, fields and providers belong together.
  const providerIndex = int(rng, 0, DEMO_PROVIDERS.length - 1);
  const provider = DEMO_PROVIDERS[providerIndex];
  const funds = PROVIDERS[providerIndex].fields ?? FIELD_SLUGS;
  const field = pick(rng, funds);
  const { title, donor, award, theme } = titleFor(rng, field, PROVIDERS[providerIndex]);
  const amount = pick(rng, AMOUNTS);
  // General foundations often take any field; a specialised one names its own, sometimes a sibling too.
  const anyField = PROVIDERS[providerIndex].fields === null ? rng() < 0.4 : false;
  const siblings = funds.filter((f) => f !== field);
  const extra = PROVIDERS[providerIndex].fields === null ? 0 : int(rng, 0, Math.min(1, siblings.length));
  const fields = anyField ? [] : [field, ...sample(rng, siblings, extra)].sort();
  const levels = rng() < 0.3 ? [] : sample(rng, LEVELS, int(rng, 1, 2));
  const minGpa = rng() < 0.35 ? null : (2 + int(rng, 0, 18) / 10).toFixed(2);
  const states = rng() < 0.7 ? [] : sample(rng, US_STATES, int(rng, 1, 3));
  const c = rng();
  const citizenship = c < 0.5 ? [] : c < 0.85 ? ['us_citizen', 'permanent_resident'] : ['us_citizen'];
  const essay = rng() < 0.55;
  const vars = {
    field: inSentence(field),
    title,
    audience:
      PROVIDERS[providerIndex].audience ??
      THEME_AUDIENCE[theme as keyof typeof THEME_AUDIENCE] ??
      pick(rng, audiencesFor(field)),
    donor,
    amount: amount.toLocaleString('en-US'),
    provider: provider.name,
    award,
  };
  const sentences = [
    fill(pick(rng, OPENERS), vars),
    ...sample(rng, MIDDLES, int(rng, 1, 3)).map((m) => fill(m, vars)),
    fill(pick(rng, CLOSERS), vars),
  ];
  if (essay) sentences.push(ESSAY_SENTENCE);
  const deadline = new Date(anchor.getTime() + int(rng, 7, 365) * DAY_MS).toISOString().slice(0, 10);
  const createdAt = new Date(anchor.getTime() - int(rng, 1, 300) * DAY_MS - (index % 86_400) * 1000).toISOString();
  return {
    id,
    slug: `${slugify(title)}-${index.toString(36)}`,
    provider_index: providerIndex,
    title,
    description: sentences.join(' '),
    amount,
    deadline,
    levels,
    fields,
    min_gpa: minGpa,
    states,
    citizenship,
    essay_required: essay,
    // A few drafts so the "published only" rule has something to hide.
    published: rng() >= 0.01,
    created_at: createdAt,
  };
}

/** Midnight UTC of `d`: the default anchor is "today", so demo deadlines stay in the coming year. */
export function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
