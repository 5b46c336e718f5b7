/** One CSV cell that reads back as exactly one cell of plain text in any spreadsheet, whatever its locale. */

/**
 * Characters that end a cell in some reader: the comma (RFC 4180), the semicolon (spreadsheets in
 * locales whose decimal mark is a comma), the tab (readers that sniff the separator), the quote and
 * line breaks. A cell holding any of them is quoted, so `x;=1+2` stays one cell in every locale.
 */
const NEEDS_QUOTES = /[",;\t\r\n]/;

/**
 * First characters that make a spreadsheet evaluate a text cell as a formula (OWASP's CSV injection
 * list), also after leading spaces, which some readers trim. Such text gets a leading apostrophe: the convention spreadsheets use for "text, not formula",
 * which shows the reader that the cell was altered rather than silently dropping characters.
 */
const FORMULA_START = /^(\s*[=+\-@]|[\t\r])/;

/**
 * A formula start after a separator inside the text: a reader of another locale (a semicolon
 * spreadsheet reading this comma file) splits there and sees a cell that starts a formula, quotes
 * or not, so an apostrophe goes in after the separator too.
 */
const INNER_FORMULA_START = /([,;\t\r\n][\s"]*)(?=[=+\-@])/g;

/**
 * A value as one CSV cell: numbers as written (non-finite ones empty), text with formula starts
 * (at its start or after a separator) neutralised by an apostrophe, and quoted (quotes doubled) whenever it holds a separator of any locale.
 */
export function csvCell(x: unknown): string {
  if (x === undefined || x === null) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
  let s = String(x);
  if (FORMULA_START.test(s)) s = `'${s}`;
  s = s.replace(INNER_FORMULA_START, "$1'");
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
