import { z } from 'zod';

/**
 * A student's profile as the API speaks it (snake_case). `PUT /api/me/profile` takes it; the
 * eligibility and recommendation endpoints may reuse it.
 */
export const LEVELS = ['high_school', 'undergraduate', 'graduate', 'doctoral'] as const;
export const CITIZENSHIPS = ['us_citizen', 'permanent_resident', 'international'] as const;

/** USPS codes: the 50 states, DC and the inhabited territories. */
export const US_STATES = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'DC',
  'PR',
  'GU',
  'VI',
  'AS',
  'MP',
] as const;

/** A handful of interests is a profile; more is keyword stuffing. */
export const MAX_INTERESTS = 20;
export const MAX_INTEREST_LENGTH = 40;
export const MAX_FIELD_OF_STUDY_LENGTH = 80;

const STATE_SET = new Set<string>(US_STATES);

export const StudentProfileInput = z.strictObject({
  level: z.enum(LEVELS).nullable().optional(),
  field_of_study: z.string().trim().min(1, 'must not be empty').max(MAX_FIELD_OF_STUDY_LENGTH).nullable().optional(),
  /** US 4.0 scale, two decimals as stored. */
  gpa: z
    .number()
    .min(0)
    .max(4)
    .transform((g) => Math.round(g * 100) / 100)
    .nullable()
    .optional(),
  state: z
    .string()
    .trim()
    .toUpperCase()
    .refine((s) => STATE_SET.has(s), 'must be a two-letter US state code')
    .nullable()
    .optional(),
  citizenship: z.enum(CITIZENSHIPS).nullable().optional(),
  interests: z
    .array(z.string().trim().min(1, 'must not be empty').max(MAX_INTEREST_LENGTH))
    .max(MAX_INTERESTS)
    .transform((xs) => [...new Set(xs.map((x) => x.toLowerCase()))])
    .optional(),
});
export type StudentProfileInput = z.infer<typeof StudentProfileInput>;

export interface StudentProfile {
  level: (typeof LEVELS)[number] | null;
  field_of_study: string | null;
  gpa: number | null;
  state: string | null;
  citizenship: (typeof CITIZENSHIPS)[number] | null;
  interests: string[];
  updated_at: string;
}
