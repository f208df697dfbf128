import { LEVELS, CITIZENSHIPS, US_STATES } from '../me/student-profile.ts';

export { LEVELS, CITIZENSHIPS, US_STATES };
export type Level = (typeof LEVELS)[number];
export type Citizenship = (typeof CITIZENSHIPS)[number];

/**
 * Fields of study a scholarship can target, as stored slugs with their display labels. A profile's
 * free-text `field_of_study` is matched against both (see `fieldSlug`).
 */
export const FIELDS = {
  accounting: 'Accounting',
  agriculture: 'Agriculture',
  architecture: 'Architecture',
  biology: 'Biology',
  business: 'Business',
  chemistry: 'Chemistry',
  communications: 'Communications',
  computer_science: 'Computer Science',
  criminal_justice: 'Criminal Justice',
  data_science: 'Data Science',
  economics: 'Economics',
  education: 'Education',
  engineering: 'Engineering',
  english: 'English',
  environmental_science: 'Environmental Science',
  fine_arts: 'Fine Arts',
  history: 'History',
  hospitality: 'Hospitality',
  information_technology: 'Information Technology',
  journalism: 'Journalism',
  law: 'Law',
  mathematics: 'Mathematics',
  medicine: 'Medicine',
  music: 'Music',
  nursing: 'Nursing',
  physics: 'Physics',
  political_science: 'Political Science',
  psychology: 'Psychology',
  public_health: 'Public Health',
  social_work: 'Social Work',
} as const satisfies Record<string, string>;
export type Field = keyof typeof FIELDS;
export const FIELD_SLUGS = Object.keys(FIELDS) as Field[];

export const LEVEL_LABELS: Record<Level, string> = {
  high_school: 'High school',
  undergraduate: 'Undergraduate',
  graduate: 'Graduate',
  doctoral: 'Doctoral',
};
export const CITIZENSHIP_LABELS: Record<Citizenship, string> = {
  us_citizen: 'U.S. citizen',
  permanent_resident: 'Permanent resident',
  international: 'International student',
};

/** `"Computer Science"`, `"computer-science"` → `computer_science`; free text stays as its slug form. */
export function fieldSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function fieldLabel(slug: string): string {
  return (FIELDS as Record<string, string>)[slug] ?? slug.replace(/_/g, ' ');
}
