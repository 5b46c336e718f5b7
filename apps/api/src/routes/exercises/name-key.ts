/**
 * The key under which a display name is unique in a class: NFKC-normalized, case-folded and reduced
 * to a confusable "skeleton" (the idea of Unicode TR39), so a Cyrillic "Аlice" or a fullwidth
 * "Ａlice" cannot sit beside "Alice".
 *
 * The skeleton table is the Latin, Cyrillic and Greek letters that render like a Latin letter (from
 * TR39's confusables.txt), kept here by hand: display names in a class are short and the scripts a
 * teacher sees mixed are these, and a full confusables library (unhomoglyph and the like) would add a
 * dependency whose table also folds digits and letters such as "1" and "l", refusing ordinary names.
 */

/** Capital letters of Cyrillic and Greek that look like a Latin capital, mapped before case folding. */
// biome-ignore format: a lookup table reads best in rows
const UPPER: Record<string, string> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', Ү: 'Y',
  Ѕ: 'S', І: 'I', Ј: 'J', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'I', Һ: 'H',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  Ϲ: 'C', Ϳ: 'J',
};

/** Small letters of Cyrillic, Greek and Latin extensions that look like a Latin small letter, mapped after. */
// biome-ignore format: a lookup table reads best in rows
const LOWER: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', ѕ: 's', і: 'i', ј: 'j', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w',
  ӏ: 'l', ѵ: 'v', ү: 'y', ɡ: 'g',
  α: 'a', ο: 'o', ι: 'i', ν: 'v', ρ: 'p', υ: 'u', ϲ: 'c', ϳ: 'j', κ: 'k',
  ı: 'i', ɩ: 'i', ɑ: 'a', ɒ: 'a',
};

/** Capitals first (Greek Η is H but η is n-like), then case folding, then the small letters. */
function skeletonOf(text: string): string {
  const upper = [...text].map((c) => UPPER[c] ?? c).join('');
  return [...upper.toLocaleLowerCase('en-US')].map((c) => LOWER[c] ?? c).join('');
}

/** A display name as stored and shown: NFKC (fullwidth and styled letters become plain ones), trimmed, single spaces. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(/\s{2,}/g, ' ');
}

/** The key two names share when a reader could take one for the other. */
export function nameKey(name: string): string {
  // NFD first, so an accented Cyrillic letter (ё) maps its base letter and keeps its accent.
  return skeletonOf(normalizeName(name).normalize('NFD')).normalize('NFC');
}

const LATIN = /\p{Script=Latin}/u;
const OTHER_LOOKALIKE_SCRIPT = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** The first word mixing Latin letters with Cyrillic or Greek ones ("Аlice" with a Cyrillic А), if any. */
export function mixedScriptWord(name: string): string | undefined {
  return name.split(/\s+/).find((word) => LATIN.test(word) && OTHER_LOOKALIKE_SCRIPT.test(word));
}
