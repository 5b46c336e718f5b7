/** Appends the debrief to a classroom screen, with its CSV download, and draws its charts one per task. */
import type { ChartFigure } from '../charts.ts';
import { api, type DebriefView } from '../classroom-api.ts';
import { download } from '../dom.ts';
import { renderDebrief } from './debrief/debrief.ts';
import type { MessageBox } from './shell.ts';

/** Draws charts one per task, so the page never holds a long task. */
function drawAll(charts: ChartFigure[]): void {
  const queue = [...charts];
  const next = () => {
    const c = queue.shift();
    if (!c) return;
    c.draw();
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

/** Appends the debrief of exercise `id` to `body`; `me` highlights a student's row. Returns the charts to destroy. */
export function showDebrief(
  body: HTMLElement,
  view: DebriefView,
  access: { id: string; token: string; me?: string },
  message: MessageBox,
): ChartFigure[] {
  const { id, token } = access;
  const onCsv = () =>
    api.csv(id, token).then(
      (text) => download(`debrief-${id.slice(0, 8)}.csv`, text, 'text/csv'),
      (e) => message.error(e),
    );
  const { element, charts } = renderDebrief(view, access.me === undefined ? { onCsv } : { me: access.me, onCsv });
  body.append(element);
  drawAll(charts);
  return charts;
}
