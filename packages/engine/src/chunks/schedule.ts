/** The chunk plan and the scheduler alone (with the error it throws), for a page's main thread that must not load the engine. */

export { GeoriskError } from '../errors.ts';
export * from './plan-chunks.ts';
export * from './schedule-chunks.ts';
