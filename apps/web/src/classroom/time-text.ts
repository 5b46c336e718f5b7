/** Times as the classroom writes them: relative ("in 12 min") and on the clock ("Tue 14:05"). */

/** "in 12 min", "2 h 5 min ago". */
export function relative(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text = minutes < 1 ? 'less than a minute' : minutes < 90 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

/** The weekday and time of an ISO instant, in the reader's locale. */
export function clockTime(iso: string): string {
  const when = new Date(iso);
  // A weekday alone names the wrong day once the time is six days or more away (or past): then the date too.
  const far = Math.abs(when.getTime() - Date.now()) >= 6 * 86_400_000;
  return when.toLocaleString(undefined, {
    weekday: 'short',
    ...(far ? { day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  });
}
