/** Word lists the demo generator combines into realistic-looking (fictional) scholarships. */

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

export const PROVIDER_NAMES = [
  'Abernathy Family Foundation',
  'Northwind Community Trust',
  'Bluegrass Education Fund',
  'Harborview Medical Society',
  'Pioneer Engineering Guild',
  'Lakeshore Credit Union',
  'Summit Arts Council',
  'Evergreen Conservation Alliance',
  'Riverbend Rotary Club',
  'Granite State Teachers Association',
  'Copperline Technologies',
  'Meridian Health Partners',
  'Prairie Farmers Cooperative',
  'Coastal Journalism Institute',
  'Keystone Business Roundtable',
  'Sierra Nursing Alliance',
  'Redwood Scholars Network',
  'Liberty Veterans Fund',
  'Atlas Data Foundation',
  'Magnolia Heritage Society',
  'Ironwood Builders Association',
  'Beacon Legal Aid Society',
  'Cedar Valley Library Friends',
  'Orion Physics Circle',
  'Juniper Public Health Trust',
  'Silverline Financial Group',
  'Crescent City Music Fund',
  'Aurora Women in Tech',
  'Willow Creek Hospitality Council',
  'Frontier Mathematics Society',
] as const;

/** Sentence templates; `{field}`, `{audience}`, `{donor}`, `{amount}`, `{provider}` are filled in. */
export const OPENERS = [
  'The {donor} {award} supports {audience} studying {field}.',
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
