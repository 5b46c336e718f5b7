/**
 * Where JSON text first goes wrong, as line and column: browsers' JSON.parse messages give a
 * position only for some errors ("Unexpected token ','" gives none), so the text is scanned here.
 */

/** The offset of the first character that is not valid JSON (text.length for text that ends too soon), or undefined for valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (c: string) => {
    space();
    if (text[i] !== c) fail();
    i++;
  };
  const string = () => {
    expect('"');
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
  };
  // Each container: values separated by commas up to its closing bracket.
  const items = (close: string, item: () => void) => {
    space();
    if (text[i] !== close) {
      for (;;) {
        item();
        space();
        if (text[i] === close) break;
        if (text[i] !== ',') fail();
        i++;
      }
    }
    i++;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      items('}', () => {
        string();
        expect(':');
        value();
      });
    } else if (c === '[') {
      i++;
      items(']', value);
    } else if (c === '"') {
      string();
    } else {
      const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i))?.[0];
      if (literal === undefined) fail();
      i += literal?.length ?? 0;
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length);
    return undefined; // nesting too deep to scan: the browser's message stands alone
  }
}

/** Line and column (1-based) of an offset in text, as "line 2, column 10". */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}
