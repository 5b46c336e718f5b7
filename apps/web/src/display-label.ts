/** The words a page shows for a parameter or metric: its declared label, else its name read as words. */

/** A name read as words: "war_over_7_days" → "War over 7 days" (for names without a label). */
export function humanName(name: string): string {
  const words = name.replace(/_+/g, ' ').trim();
  return words === '' ? name : `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** The label a scenario declares for `name`, or the name read as words. */
export function displayLabel(name: string, declared: { label?: string | undefined } | undefined): string {
  const label = declared?.label?.trim();
  return label ? label : humanName(name);
}
