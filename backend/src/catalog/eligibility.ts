import { sql, type SQL } from 'drizzle-orm';
import { scholarships as s } from '../db/schema/index.ts';
import { fieldLabel, fieldSlug, LEVEL_LABELS, CITIZENSHIP_LABELS, type Level, type Citizenship } from './taxonomy.ts';

/** The profile eligibility is judged on; a missing value only passes criteria with no restriction. */
export interface Profile {
  level: Level | null;
  field_of_study: string | null;
  gpa: number | null;
  state: string | null;
  citizenship: Citizenship | null;
  interests: string[];
}

const CRITERIA = ['level', 'field', 'gpa', 'state', 'citizenship', 'deadline'] as const;
type Criterion = (typeof CRITERIA)[number];
export interface Reason {
  criterion: Criterion;
  matched: boolean;
  detail: string;
}

export interface Criteria {
  levels: string[];
  fields: string[];
  minGpa: string | null;
  states: string[];
  citizenship: string[];
  deadline: string;
}

const list = (xs: string[], label: (x: string) => string) => xs.map(label).join(', ');

/** Why a scholarship does or does not fit a profile: one reason per criterion, in CRITERIA order. */
export function evaluate(profile: Profile, c: Criteria, day: string): Reason[] {
  const field = profile.field_of_study ? fieldSlug(profile.field_of_study) : null;
  const min = c.minGpa === null ? null : Number(c.minGpa);
  const lv = (l: string) => LEVEL_LABELS[l as Level] ?? l;
  const ct = (x: string) => CITIZENSHIP_LABELS[x as Citizenship] ?? x;
  return [
    c.levels.length === 0
      ? { criterion: 'level', matched: true, detail: 'Open to every level of study' }
      : profile.level && c.levels.includes(profile.level)
        ? { criterion: 'level', matched: true, detail: `Open to ${lv(profile.level).toLowerCase()} students` }
        : { criterion: 'level', matched: false, detail: `Only for ${list(c.levels, lv).toLowerCase()} students` },
    c.fields.length === 0
      ? { criterion: 'field', matched: true, detail: 'Open to every field of study' }
      : field && c.fields.includes(field)
        ? { criterion: 'field', matched: true, detail: `Targets your field: ${fieldLabel(field)}` }
        : { criterion: 'field', matched: false, detail: `Only for ${list(c.fields, fieldLabel)}` },
    min === null
      ? { criterion: 'gpa', matched: true, detail: 'No minimum GPA' }
      : profile.gpa !== null && profile.gpa >= min
        ? {
            criterion: 'gpa',
            matched: true,
            detail: `Your GPA ${profile.gpa.toFixed(2)} meets the minimum ${min.toFixed(2)}`,
          }
        : {
            criterion: 'gpa',
            matched: false,
            detail:
              profile.gpa === null
                ? `Needs a GPA of at least ${min.toFixed(2)}; add yours to your profile`
                : `Needs a GPA of at least ${min.toFixed(2)}; yours is ${profile.gpa.toFixed(2)}`,
          },
    c.states.length === 0
      ? { criterion: 'state', matched: true, detail: 'Open in every state' }
      : profile.state && c.states.includes(profile.state)
        ? { criterion: 'state', matched: true, detail: `Open to residents of ${profile.state}` }
        : { criterion: 'state', matched: false, detail: `Only for residents of ${c.states.join(', ')}` },
    c.citizenship.length === 0
      ? { criterion: 'citizenship', matched: true, detail: 'No citizenship requirement' }
      : profile.citizenship && c.citizenship.includes(profile.citizenship)
        ? { criterion: 'citizenship', matched: true, detail: `Open to ${ct(profile.citizenship)}s` }
        : { criterion: 'citizenship', matched: false, detail: `Only for ${list(c.citizenship, ct)}s` },
    c.deadline >= day
      ? { criterion: 'deadline', matched: true, detail: `Applications close ${c.deadline}` }
      : { criterion: 'deadline', matched: false, detail: `Closed on ${c.deadline}` },
  ];
}

/**
 * The same rules as `evaluate`, as SQL: one boolean per profile criterion (deadline is a filter of
 * its own). Kept beside `evaluate` so the two cannot drift; the tests check them against each other.
 */
export function criterionSql(profile: Profile): SQL[] {
  const field = profile.field_of_study ? fieldSlug(profile.field_of_study) : null;
  return [
    profile.level ? sql`(${s.levels} = '{}' or ${profile.level}::text = any(${s.levels}))` : sql`(${s.levels} = '{}')`,
    field ? sql`(${s.fields} = '{}' or ${field}::text = any(${s.fields}))` : sql`(${s.fields} = '{}')`,
    profile.gpa !== null
      ? sql`(${s.minGpa} is null or ${s.minGpa} <= ${profile.gpa}::numeric)`
      : sql`(${s.minGpa} is null)`,
    profile.state ? sql`(${s.states} = '{}' or ${profile.state}::text = any(${s.states}))` : sql`(${s.states} = '{}')`,
    profile.citizenship
      ? sql`(${s.citizenship} = '{}' or ${profile.citizenship}::text = any(${s.citizenship}))`
      : sql`(${s.citizenship} = '{}')`,
  ];
}

/** Number of profile criteria a row fails, as SQL (0 = eligible). */
export function failedCountSql(profile: Profile): SQL {
  return sql.join(
    criterionSql(profile).map((c) => sql`(case when ${c} then 0 else 1 end)`),
    sql` + `,
  );
}
