/** An exercise's warning in the teacher's words: the decision and the option students see, not the JSON path. */
import type { ExerciseWarning, TeacherView } from '../classroom-api.ts';

/**
 * `levers[1].options[1].overrides: the value 0 …` reads `"Invoke CSTO Article 4?", option "Do not invoke it": the value 0 …`
 * (a range lever's `min` and `max` read as its lowest and highest value); a path it cannot place is left as it is.
 */
export function warningWords(exercise: Pick<TeacherView['exercise'], 'levers'>, w: ExerciseWarning): string {
  const m = /^levers\[(\d+)\]\.(?:options\[(\d+)\]\.overrides|(min|max))$/.exec(w.path);
  const lever = m ? exercise.levers[Number(m[1])] : undefined;
  if (!m || !lever || !w.message.startsWith(`${w.path}: `)) return w.message;
  const option = m[2] !== undefined ? (lever.kind === 'choice' ? lever.options[Number(m[2])]?.label : undefined) : undefined;
  const which = m[3] !== undefined ? (m[3] === 'min' ? 'its lowest value' : 'its highest value') : option && `option "${option}"`;
  if (!which) return w.message;
  return `"${lever.label}", ${which}: ${w.message.slice(w.path.length + 2)}`;
}
