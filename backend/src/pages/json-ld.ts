/**
 * JSON for a `<script type="application/ld+json">` block. JSON.stringify alone is not enough inside
 * HTML: `</script>` in a title would end the element, so `<`, `>`, `&` and the JS line separators
 * are written as \u escapes (still the same JSON to a parser).
 */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** schema.org MonetaryGrant for one scholarship page. */
export function scholarshipJsonLd(
  s: { title: string; summary: string; slug: string; amount: number; deadline: string; provider: { name: string } },
  publicUrl: string,
) {
  return {
    '@context': 'https://schema.org',
    '@type': 'MonetaryGrant',
    name: s.title,
    description: s.summary,
    url: new URL(`/scholarships/${s.slug}`, publicUrl).toString(),
    identifier: s.slug,
    amount: { '@type': 'MonetaryAmount', currency: 'USD', value: s.amount },
    funder: { '@type': 'Organization', name: s.provider.name },
    // MonetaryGrant has no deadline property; the application deadline is stated in words.
    disambiguatingDescription: `Application deadline: ${s.deadline}`,
  };
}
