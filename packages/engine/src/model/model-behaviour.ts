/** What happens besides track moves, compiled: flows into variables, events and metrics. */
import { issue, suggestion } from '../errors.ts';
import type { ScenarioDocument } from '../scenario-schema.ts';
import type { EventModel, FlowModel, MetricModel } from './model.ts';
import type { ModelIssues, ModelNames } from './model-context.ts';

/** Compiles the flows (each must flow into a declared variable). */
export function buildFlows(scenario: ScenarioDocument, names: ModelNames, issues: ModelIssues): FlowModel[] {
  const flows: FlowModel[] = [];
  scenario.flows.forEach((f, i) => {
    const path = `flows[${i}]`;
    const variable = names.names.vars.get(f.to);
    if (variable === undefined) {
      issues.problems.push(
        issue(
          'unknown_name',
          `${path}.to`,
          `"${f.to}" is not a variable`,
          suggestion(f.to, names.varNames, 'variables', names.names.suggestions),
        ),
      );
    }
    const amount = names.compile(f.amount, 'amount', `${path}.amount`);
    const when = f.when === undefined ? undefined : names.compile(f.when, 'condition', `${path}.when`);
    if (variable === undefined || amount === undefined || (f.when !== undefined && when === undefined)) return;
    flows.push(when ? { variable, amount, when, path } : { variable, amount, path });
  });
  return flows;
}

/** Compiles the events: timed (`at`, on a step time) or conditional (`when`), with their assignments and forced states. */
export function buildEvents(scenario: ScenarioDocument, names: ModelNames, issues: ModelIssues): EventModel[] {
  const { dt, horizon } = scenario.time;
  const events: EventModel[] = [];
  scenario.events.forEach((e, i) => {
    const path = `events[${i}]`;
    const ev: EventModel = {
      index: i,
      set: names.assignments(e.set, `${path}.set`, true),
      add: names.assignments(e.add, `${path}.add`, false),
      force: [],
      path,
    };
    if (e.at !== undefined) {
      const k = e.at / dt;
      if (e.at < 0 || e.at > horizon || Math.abs(k - Math.round(k)) > 1e-9 * Math.max(1, k)) {
        issues.problems.push(
          issue('invalid_value', `${path}.at`, `time ${e.at} is not a step time between 0 and ${horizon}`, `use a multiple of dt = ${dt}`),
        );
      }
      ev.atStep = Math.round(k);
    } else if (e.when !== undefined) {
      const when = names.compile(e.when, 'condition', `${path}.when`);
      if (when) ev.when = when;
    }
    for (const [trackName, state] of Object.entries(e.force ?? {})) {
      const info = names.names.tracks.get(trackName);
      if (!info) {
        issues.problems.push(
          issue(
            'unknown_name',
            `${path}.force.${trackName}`,
            `"${trackName}" is not a track`,
            suggestion(trackName, names.trackNames, 'tracks', names.names.suggestions),
          ),
        );
        continue;
      }
      const s = names.stateIndex(trackName, state, `${path}.force.${trackName}`);
      if (s !== undefined) ev.force.push({ track: info.index, state: s });
    }
    events.push(ev);
  });
  return events;
}

/** Compiles the metrics; a scenario without any is warned about. */
export function buildMetrics(scenario: ScenarioDocument, names: ModelNames, issues: ModelIssues): MetricModel[] {
  const metrics: MetricModel[] = [];
  for (const [name, m] of Object.entries(scenario.metrics)) {
    const expr = names.compile(m.expr, 'metric', `metrics.${name}.expr`);
    if (!expr) continue;
    const metric: MetricModel = { name, expr };
    if (m.unit !== undefined) metric.unit = m.unit;
    if (m.description !== undefined) metric.description = m.description;
    metrics.push(metric);
  }
  if (metrics.length === 0 && Object.keys(scenario.metrics).length === 0) {
    issues.warnings.push({
      ...issue('invalid_value', 'metrics', 'the scenario defines no metrics', 'add metrics such as war: { expr: ever(conflict, "war") }'),
      severity: 'warning',
    });
  }
  return metrics;
}
