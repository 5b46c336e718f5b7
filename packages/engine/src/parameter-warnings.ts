/** Warnings about parameters for `validate`: no provenance (and perhaps no prior). A prior that contradicts its range is an error of the model (model-declarations.ts). */
import { type Issue, issue } from './errors.ts';
import { parameterPrior } from './parameter-prior.ts';
import type { Parameter, Provenance, ScenarioDocument } from './scenario-schema.ts';

/**
 * Where a parameter's value comes from: its `provenance`, else `sourced` when it lists `sources`
 * and `assumed` when it gives an `assumption` (the fields older scenarios use), else undefined.
 */
export function parameterProvenance(parameter: Parameter): Provenance | undefined {
  if (parameter.provenance !== undefined) return parameter.provenance;
  if (parameter.sources !== undefined) return { kind: 'sourced', sources: parameter.sources };
  if (parameter.assumption !== undefined) return { kind: 'assumed', note: parameter.assumption };
  return undefined;
}

/**
 * One warning per parameter that says nothing of where its value comes from; paths are
 * `parameters.<name>` in the (expanded) document.
 */
export function parameterWarnings(scenario: ScenarioDocument): Issue[] {
  const out: Issue[] = [];
  for (const [name, parameter] of Object.entries(scenario.parameters)) {
    if (parameterProvenance(parameter) === undefined) {
      const noPrior = parameterPrior(parameter) === undefined;
      out.push({
        ...issue(
          'missing_provenance',
          `parameters.${name}`,
          `"${name}" says neither where its value comes from${noPrior ? ' nor how uncertain it is (no range or uncertainty)' : ''}`,
          `add provenance: { kind: sourced | derived | assumed | fitted, … }${noPrior ? ', and a range or an uncertainty' : ''} (see docs/scenario-language.md#provenance-and-priors)`,
        ),
        severity: 'warning',
      });
    }
  }
  return out;
}
