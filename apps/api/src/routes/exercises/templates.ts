/** The ready exercises shipped in scenarios/exercises/, read once at start. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExerciseSchema } from '@georisk/engine/classroom';
import { z } from 'zod';

/** A ready exercise shipped in scenarios/exercises/. */
export interface ExerciseTemplate {
  id: string;
  title: string;
  summary: string;
  guide: string;
  minutes: number;
  exercise: Omit<z.input<typeof ExerciseSchema>, 'deadline'>;
}

const TemplateSchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  guide: z.string(),
  minutes: z.number(),
  exercise: z.record(z.string(), z.unknown()),
});

/** Reads the templates (each checked against ExerciseSchema with a placeholder deadline); bad files are reported and left out. */
export function loadTemplates(scenariosDir: string, onSkip: (file: string, why: string) => void = () => {}): ExerciseTemplate[] {
  const dir = join(scenariosDir, 'exercises');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const out: ExerciseTemplate[] = [];
  for (const file of files) {
    try {
      // A FIFO or device would block the start (a dangling link throws ENOENT, reported below).
      if (!statSync(join(dir, file)).isFile()) throw new Error('not a regular file');
      const t = TemplateSchema.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      ExerciseSchema.parse({ ...t.exercise, deadline: '2100-01-01T00:00:00Z' });
      out.push(t as ExerciseTemplate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      onSkip(file, code ? `cannot be read (${code})` : error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error));
    }
  }
  return out;
}
