// Web-standard globals present in browsers, workers and Node alike; the engine uses nothing else.
declare const performance: { now(): number };
