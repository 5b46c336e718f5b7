/** `GET /api/jobs/:id`'s answer as JSON text, spliced from the store's JSON without parsing a job's rows, request or result on the event loop. */
import type { JobRow } from './store.ts';

/**
 * The job as `JSON.stringify` would write `{id, kind, status, progress, columns, rows, result, error,
 * request, createdAt, finishedAt, deadline}`, each row an object keyed by the columns (null where a row
 * is shorter). Rows are stored as JSON arrays of numbers and nulls, so their values are split out as
 * text: a Morris job of 4,096 points held the loop 40–160 ms while its rows were parsed into objects
 * and serialized again.
 */
export function jobAnswerJson(job: JobRow, rows: readonly string[], progress: object): string {
  const keys = (JSON.parse(job.columns) as string[]).map((c) => `${JSON.stringify(c)}:`);
  const objects = rows.map((row) => {
    const values = row.length > 2 ? row.slice(1, -1).split(',') : [];
    return `{${keys.map((key, i) => key + (values[i] ?? 'null')).join(',')}}`;
  });
  const text = (value: string | null) => JSON.stringify(value);
  return (
    `{"id":${text(job.id)},"kind":${text(job.kind)},"status":${text(job.status)},"progress":${JSON.stringify(progress)},` +
    `"columns":${job.columns},"rows":[${objects.join(',')}],"result":${job.result ?? 'null'},"error":${job.error ?? 'null'},` +
    `"request":${job.request},"createdAt":${text(job.created_at)},"finishedAt":${text(job.finished_at)},"deadline":${text(job.deadline_at)}}`
  );
}
