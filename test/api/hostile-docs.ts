/** Hostile and heavy scenario documents for the API's main-thread tests and benchmark (issue 14). */

/** An 80 KB document: 20 metrics read 1,990-character unknown names, one parameter has a 40,000-character name. */
export function longNames(): string {
  const lines = [
    'id: hostile',
    'time: { unit: day, dt: 1, horizon: 30 }',
    'parameters:',
    `  ? ${'p'.repeat(40_000)}`,
    '  : { default: 0.1 }',
  ];
  lines.push('tracks:', '  conflict: { states: [clash, war], transitions: [{ from: clash, to: war, rate: 0.1 }] }', 'metrics:');
  for (let i = 0; i < 20; i++) lines.push(`  m${i}: { expr: '${String.fromCharCode(97 + i).repeat(1_990)} + 1' }`);
  return `${lines.join('\n')}\n`;
}

/** 5,000 includes of one library module (175 KB). */
export function manyIncludes(count = 5_000): string {
  const include = '  - {module: modules/border-clash}\n'.repeat(count);
  return `id: hostile\ntime: { unit: day, dt: 1, horizon: 30 }\ninclude:\n${include}metrics:\n  war: { expr: 'ever(conflict, "war")' }\n`;
}

/**
 * An ordinary valid document of about `chars` characters (at most 200,000, the API's document
 * limit): many described parameters and metrics that read them, on one small track.
 */
export function largeDocument(chars = 195_000, unknownNames = false): string {
  const head = [
    'id: large',
    'time: { unit: day, dt: 1, horizon: 30 }',
    'tracks:',
    '  conflict: { states: [clash, war], initial: clash, transitions: [{ from: clash, to: war, rate: p0 }] }',
    'parameters:',
  ];
  const parameters: string[] = [];
  const metrics: string[] = [];
  let size = head.join('\n').length + 10;
  for (let i = 0; size < chars; i++) {
    const p = `  p${i}: { default: 0.01, range: [0, 1], unit: per day, description: 'rate number ${i} of an ordinary but long document' }`;
    const read = unknownNames ? `q${i}` : `p${i}`;
    const m = `  m${i}: { expr: '${read} * 2 + time_in(conflict, "war")', unit: day, description: metric number ${i} }`;
    parameters.push(p);
    metrics.push(m);
    size += p.length + m.length + 2;
  }
  return `${[...head, ...parameters, 'metrics:', ...metrics].join('\n')}\n`.slice(0, 200_000);
}
