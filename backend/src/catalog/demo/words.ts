/** Word lists the demo generator combines into realistic-looking (fictional) scholarships. */
import type { Field } from '../taxonomy.ts';

export const DONORS = [
  'Abernathy',
  'Baker',
  'Castillo',
  'Delgado',
  'Ellison',
  'Fairbanks',
  'Goldberg',
  'Hargrove',
  'Ibarra',
  'Jefferson',
  'Kowalski',
  'Lindqvist',
  'Montgomery',
  'Nakamura',
  "O'Connell",
  'Patel',
  'Quinones',
  'Ramirez',
  'Sorensen',
  'Thornton',
  'Underwood',
  'Valdez',
  'Whitfield',
  'Xiong',
  'Yamamoto',
  'Zimmerman',
  'Okafor',
  'Brennan',
  'Chen',
  'Dubois',
] as const;

export const THEMES = [
  'First-Generation',
  'Future Leaders',
  'Community Service',
  'Women in STEM',
  'Rural Students',
  'Veterans',
  'Opportunity',
  'Excellence',
  'Merit',
  'Achievement',
  'Low-Income Access',
  'Innovation',
  'Heritage',
  'Pathways',
  'Trailblazer',
  'Resilience',
  'Civic Engagement',
  'Global Citizens',
  'Returning Adult Learners',
  'Bright Futures',
] as const;

export const AWARD_WORDS = ['Scholarship', 'Award', 'Grant', 'Fellowship', 'Prize'] as const;

export const AUDIENCES = [
  'first-generation college students',
  'students from low-income households',
  'rural students',
  'student veterans',
  'women pursuing careers in science and technology',
  'students who volunteer in their communities',
  'returning adult learners',
  'students with financial need',
  'students who have overcome adversity',
  'future teachers and mentors',
  'students active in student government',
  'students from immigrant families',
] as const;

/**
 * Demo providers and the fields each one funds (null: a general foundation that funds any field).
 * A medical society funds nursing and medicine, not music: titles, fields and providers belong together.
 * The order is fixed: provider ids derive from the position.
 */
export const PROVIDERS: readonly {
  name: string;
  fields: readonly Field[] | null;
  theme?: string;
  audience?: string;
}[] = [
  { name: 'Abernathy Family Foundation', fields: null },
  { name: 'Northwind Community Trust', fields: null },
  { name: 'Bluegrass Education Fund', fields: ['education', 'english', 'history', 'mathematics'] },
  { name: 'Harborview Medical Society', fields: ['medicine', 'nursing', 'public_health', 'biology'] },
  { name: 'Pioneer Engineering Guild', fields: ['engineering', 'physics', 'mathematics', 'architecture'] },
  { name: 'Lakeshore Credit Union', fields: ['accounting', 'business', 'economics'] },
  { name: 'Summit Arts Council', fields: ['fine_arts', 'music', 'architecture', 'english'] },
  { name: 'Evergreen Conservation Alliance', fields: ['environmental_science', 'biology', 'agriculture'] },
  { name: 'Riverbend Rotary Club', fields: null, theme: 'Community Service' },
  { name: 'Granite State Teachers Association', fields: ['education', 'mathematics', 'english'] },
  {
    name: 'Copperline Technologies',
    fields: ['computer_science', 'information_technology', 'data_science', 'engineering'],
  },
  { name: 'Meridian Health Partners', fields: ['nursing', 'medicine', 'public_health', 'psychology'] },
  {
    name: 'Prairie Farmers Cooperative',
    fields: ['agriculture', 'environmental_science', 'business'],
    theme: 'Rural Students',
  },
  { name: 'Coastal Journalism Institute', fields: ['journalism', 'communications', 'english', 'political_science'] },
  { name: 'Keystone Business Roundtable', fields: ['business', 'accounting', 'economics', 'hospitality'] },
  { name: 'Sierra Nursing Alliance', fields: ['nursing'] },
  { name: 'Redwood Scholars Network', fields: null },
  { name: 'Liberty Veterans Fund', fields: null, theme: 'Veterans', audience: 'student veterans' },
  { name: 'Atlas Data Foundation', fields: ['data_science', 'computer_science', 'mathematics'] },
  { name: 'Magnolia Heritage Society', fields: ['history', 'english', 'fine_arts'], theme: 'Heritage' },
  { name: 'Ironwood Builders Association', fields: ['architecture', 'engineering'] },
  { name: 'Beacon Legal Aid Society', fields: ['law', 'criminal_justice', 'political_science', 'social_work'] },
  { name: 'Cedar Valley Library Friends', fields: ['english', 'history', 'education'] },
  { name: 'Orion Physics Circle', fields: ['physics', 'mathematics'] },
  { name: 'Juniper Public Health Trust', fields: ['public_health', 'nursing', 'social_work', 'psychology'] },
  { name: 'Silverline Financial Group', fields: ['accounting', 'economics', 'business'] },
  { name: 'Crescent City Music Fund', fields: ['music', 'fine_arts'] },
  {
    name: 'Aurora Women in Tech',
    fields: ['computer_science', 'engineering', 'data_science', 'information_technology'],
    theme: 'Women in STEM',
    audience: 'women pursuing careers in science and technology',
  },
  { name: 'Willow Creek Hospitality Council', fields: ['hospitality', 'business'] },
  { name: 'Frontier Mathematics Society', fields: ['mathematics', 'physics', 'data_science'] },
];

/** Themes that name their audience: the description then speaks of the same people. */
export const THEME_AUDIENCE: Partial<Record<(typeof THEMES)[number], string>> = {
  'First-Generation': 'first-generation college students',
  'Women in STEM': 'women pursuing careers in science and technology',
  'Community Service': 'students who volunteer in their communities',
  'Rural Students': 'rural students',
  Veterans: 'student veterans',
  'Low-Income Access': 'students from low-income households',
  'Returning Adult Learners': 'returning adult learners',
};

/** Fields where "Women in STEM" and the science-and-technology audience make sense. */
export const STEM_FIELDS: readonly Field[] = [
  'biology',
  'chemistry',
  'computer_science',
  'data_science',
  'engineering',
  'environmental_science',
  'information_technology',
  'mathematics',
  'physics',
];

/** Sentence templates; `{field}`, `{audience}`, `{donor}`, `{amount}`, `{provider}` are filled in. */
export const OPENERS = [
  'The {title} supports {audience} studying {field}.',
  'Established by {provider}, this award helps {audience} pursue a degree in {field}.',
  'This {award} recognizes {audience} who show promise in {field}.',
  'Each year {provider} awards ${amount} to {audience} committed to {field}.',
] as const;

export const MIDDLES = [
  'Recipients are selected for academic achievement, leadership and commitment to their communities.',
  'Preference is given to applicants who demonstrate financial need and a clear plan for their studies.',
  'The selection committee looks for curiosity, perseverance and a record of service.',
  'Funds may be used for tuition, fees, books and required supplies at an accredited institution.',
  'Applicants should describe how their studies in {field} will benefit their community.',
  'The award honors the legacy of the {donor} family and their belief in public education.',
  'Finalists may be invited to a short interview with members of the selection committee.',
  'Students enrolled full-time or part-time are welcome to apply.',
] as const;

export const CLOSERS = [
  'The award is renewable for up to four years with satisfactory academic progress.',
  'This is a one-time award paid directly to the school.',
  'Winners are announced within eight weeks of the deadline.',
  'Mentoring and networking events are offered to every recipient.',
] as const;

export const ESSAY_SENTENCE = 'A personal essay of 500 to 800 words is required.';
