/**
 * Behaviour pinned to the bit (issue 13): the hashes below were recorded on main before the
 * execution layer and the code around it were reshaped. A refactor keeps every one of them; a
 * change that means to alter numbers (a new sampler order, a model fix) updates them in the same
 * commit and says why. The browser's run is pinned in test/e2e/web.test.ts, the classroom reveal in
 * test/api/classroom.test.ts.
 *
 * The run and exact pins of the library moved once when every parameter and metric got a `label` and
 * every metric a `unit` (issue 18): text only. A run's output hash covers its metrics' `unit` and
 * `description`, and an exact answer carries the document's hash. With those text fields and hashes
 * left out, every run, exact answer, sweep and tornado of the library is identical before and after;
 * the sweep, Morris, tornado, discovery and CLI sweep/tornado pins did not move.
 *
 * Issue 16 moved the 2022 scenario's three pins (library run and exact, RUN_2022): its defaults now
 * forecast from what was knowable at onset (no calendar truce, death rates pooled from the clashes before 2022).
 *
 * Issue 18 declared the library's switches (`kind: switch`: replay_calendar, truce_call, sovereign_territory,
 * the reference class's covariates). Runs did not move; the seven exact pins of scenarios that hold a switch moved
 * by the document hash alone (every other field of each exact answer is identical before and after). The alliance
 * dilemma's designs vary truce_call and sovereign_territory, which designs now sample as 0 or 1 instead of
 * continuously: the LHS sweep, Morris, discovery and CLI sweep pins moved with those values, and the tornado pins
 * (library and CLI) because each varied switch now reports its `levels` (its two ends are 0 and 1 as before).
 *
 * Issue 18 (sources) moved the citations of the library to docs/research/caucasus.md and public addresses and
 * reworded the 2022 description: text only. The seven exact pins of scenarios whose documents or modules cite the
 * research moved by the document hash alone; no run, sweep, Morris, tornado or discovery pin moved.
 *
 * Issue 17 (founding) moved the 2022 scenario's three pins (library run and exact, RUN_2022): it includes
 * attacker objectives, truces without a mediator and the third parties as of 13 Sep 2022. Nothing else moved.
 *
 * Issue 17 moved the run and exact pins of the 2020, 2023 and Kyrgyz–Tajik scenarios: they include the
 * fighting-side modules (attacker objectives, truces without a mediator, the offensive season). Every
 * other pin, the exact ones included, is unchanged by the calendar names and the exact solver's month-keyed rows.
 * The same issue's third-party modules added the present-day and Galwan scenarios' pins and new, neutral
 * parameters to the CSTO module: the exact pins of every scenario including that module moved by the document
 * hash, and the alliance dilemma's designs (LHS, Morris, tornado, discovery, CLI sweep) gained its two new
 * ranged parameters. Runs of the older scenarios did not move. Wiring third parties and the alliance feedback into
 * 2016, 2020 and 2023 moved their run and exact pins; the 2023 scenario's pipelines by geography moved its pins again.
 *
 * Issue 17 (CSTO grounding in 2022) moved the 2022 scenario's three pins: it takes the csto-russia module in
 * place of its own CSTO track. The module's rates are now divided by units_per_day, and units_per_day lost its
 * choices (so no screen varies it): the exact pins of every scenario that includes a module holding it moved by
 * the document hash alone; every other run pin is unchanged, so the daily scenarios' numbers are bit-identical.
 *
 * Issue 17 (pipelines by geography in 2022) moved the 2022 scenario's three pins: it takes the pipelines-by-geography
 * module (BTC and SCP as two tracks) in place of its own pipeline track. The module gained units_per_day and the
 * classroom's shutdown_order_rate (0 by default): the 2023 scenario's exact pin moved by the document hash alone, its
 * run pin did not.
 *
 * The 2022 escalation prior without hindsight (stop 31) moved the 2022 scenario's exact pin by the document hash
 * alone: its clash_escalation_rate now cites the 4 clashes knowable on 13 Sep 2022 (Jeffreys prior mean 0.10, the
 * same default); its run pin and every number are unchanged. Its territory_rate's range (stop 32) no longer
 * reaches the reconstruction's fitted 6 km²/h ([0.3, 10] → [0.3, 3.5], from the seizures before 2022): the exact
 * pin moved by the document hash alone; the default, the run pin and every run's number are unchanged. Each
 * scenario dated on the calendar then declared its `hindsight` (stop 32): the seven exact pins of those scenarios
 * moved by the document hash alone; no run, sweep, Morris, tornado or discovery pin moved.
 *
 * The Wilson interval's ends made exact at k = 0 (lower end 0, was 8.7e-19) and k = n (upper end 1, was
 * 0.9999999999999999) moved the library and CLI sweep pins, whose rows carry each probability's `lo` and `hi`:
 * compared value by value before and after, only those ends changed. No run, exact, Morris, tornado or discovery pin moved.
 *
 * The exact answer's note on a parameter held at its value (stop 36) now says that `georisk run --exact` also
 * solves the answer averaged over its prior (it said the average "needs sampling"): the nine exact pins of the
 * scenarios with an uncertainty distribution moved by that text alone (with the old sentence put back, every pin
 * is reproduced); no run or design pin moved.
 *
 * A metric that declares a unit other than a probability's is no longer read as a probability when
 * every value came out 0 or 1 (7 December 2026, fifth session): the 2020 scenario's `bilateral_truces`
 * (unit: truces), at most 1 in every pinned trial, lost its `probability` block (a Wilson interval on a
 * count). Compared field by field before and after, that block and the output hash are all that moved.
 * The same session cut each interval at its metric's least value where the model shows one (0 for
 * time_in, first and variables only non-negative flows feed): the present-day scenario's run pin moved
 * by `russian_kinetic`'s lower end alone (-0.00026 → 0), the library sweep pin by two rows'
 * `territory_km2.lo` alone (-0.428 and -0.0041 → 0); nothing else moved. A Morris analysis of fewer
 * than 10 trajectories now warns that its intervals understate their error: the Morris pin (4
 * trajectories) moved by that warning alone.
 *
 * The 2022 forecast lost its last hindsight (7 December 2026, sixth session): every parameter that
 * counted 13 Sep 2022 or later (the truce, mediation, relapse and CSTO figures, the death rates'
 * range tops) was re-derived from the record before onset, without looking at a score. The 2022
 * scenario's three pins moved (library run and exact, RUN_2022); no other pin did (the reconstruction
 * is not in the library's pinned set, and no design uses the 2022 scenario). Its exact pin moved once more
 * by the document hash alone when a derivation gained the research note it cites. The border-clash module's
 * death rates were then labelled derived, with their arithmetic written out (text only): the exact pins
 * of the eight scenarios that include it moved by the document hash alone; no run pin moved. So did
 * the exact pins of the scenarios that include the border-clash or CSTO–Russia module when
 * offensive_escalation_rate was labelled derived and russia_engagement_rate and peacekeeper_rate assumed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testApp } from '../api/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { designHashes, libraryHashes } from './compute.ts';

const LIBRARY: Record<string, { run: string; exact: string }> = {
  'scenarios/armenia-azerbaijan-present.yaml': {
    run: 'ca3693737f1b6b1dd7a2825c93846582bd05829332ee15c1472b096651731a91',
    exact: 'd9da119fcf0bc9dadcb53a20da094bc1d7deb83ee285b2fd65b0e01b39d4638a',
  },
  'scenarios/india-china-galwan-2020.yaml': {
    run: '55987b3fb3fa174609631100e6636367b2c8e7d689387bf755042e9e69d3be7b',
    exact: 'd6222b60ca0e7211708ae51da20235b28f9e31ecc8c8762392283dddcde8fd00',
  },
  'scenarios/armenia-azerbaijan-2022.yaml': {
    run: '26b3d29a86a20e2aba89db3d8331931eaa3195011f9309193f1af4d9a43c4d3b',
    exact: 'a34fe8bda76430c3ad081376a3654bd51b8f6d3c8dc05c0247720e21dcdac999',
  },
  'scenarios/four-day-war-2016.yaml': {
    run: '34d5dc353f1718f88aa7b31b8e8fc9f161fdc4faae58519aaffd7320092751f0',
    exact: '5a61624506d59cf0f1909c371cc209532da0ccb225372da4ee996c27c6a54f2c',
  },
  'scenarios/karabakh-2023.yaml': {
    run: '3e93d384c98b0b40d645136ec0c436d90d39874dba5bf736a3d6a88b5fd9f9c9',
    exact: 'a8b99974dd492c40c4ea2af0a8d77325124fd36678de7a8cde1f4432a36f8d8f',
  },
  'scenarios/kyrgyz-tajik-2022.yaml': {
    run: '2de668c35639f82c3f6abe02bfa7f375c247896b6696a4089d77da8a3f585782',
    exact: 'a59ae423de549e2bca7a15e4f3363f2bbe86b973db7db9b7b3be8e28f89fbb06',
  },
  'scenarios/nagorno-karabakh-2020.yaml': {
    run: '697d3f558ab6f1c4fa9cfecc012022261d5c262cfdf375639a6945fb72f3f81e',
    exact: '16079994cf486acf8713cff98366966d62574385c7f2b3661911844f28c288e9',
  },
  'scenarios/reference/caucasus-reference.yaml': {
    run: '2f4ba944571ae6fe5c365a7d1ff2426ff12c90cebcd943b4afc39388f6739860',
    exact: '339c38c3da39ff6fccf937bea2904bd5cde484a1aee3c1d04317906965a7785a',
  },
  'scenarios/teaching/alliance-dilemma.yaml': {
    run: '8e5e46554089c028f2db0ca77a162ad4f22652ebb8e17ea710e71d384f83c930',
    exact: 'e18242493661cc1a43f32e943fa4e0bbdc72ee69aa64ba4c657a90b955e0a973',
  },
  'scenarios/teaching/two-state-border-dispute.yaml': {
    run: '2bfd23715f94617387c5536428b9115efd5073b0c2673bde4a125f8e477d66ae',
    exact: '51c0f46982ac894d4b1cd7b2b37078a219c80319d9306485ec924ec173ba6de4',
  },
  'scenarios/examples/modular-example.yaml': {
    run: '2f6f646c73a6a46924d44f4a61f7f5788fa277c60cd3f68080ce96df1262b2b4',
    exact: '8efbbf71a4513bb27e5f1c184c5e5826ae341a8a6f6b28c95c088a763ed6e92e',
  },
};

const DESIGNS = {
  sweep: '0d1c991009072f7be23873d941b62fb3258f5a10990b04320fdeb27e671963ca',
  morris: '292a98cbf0c3807325234097d1c4bb8f434fe2f596994e9a682ad199a30fb295',
  tornado: 'b5d126f0675e68c17a4dab980f57f6f6ac20c12a0c09d18e003e6ab546ce7ee3',
  discover: '3e77ad83ec8ef328ef0d0c5ca0884e8071473f038929cbb47f1086bce3caf4f8',
};

/** `georisk run … --trials 40000 --seed 3` of the 2022 scenario: the CLI, two threads, and the API. */
const RUN_2022 = '6aaebcb86b303249af84e68e36cb23d510423487c90b6e10ca2e77fa824813a7';
/** sha256 of `georisk sweep scenarios/teaching/alliance-dilemma.yaml --lhs 6 --trials 20000 --seed 5 --workers 2 --format jsonl`. */
const CLI_SWEEP = '3223a88a8414f3777a89f3b19c1750ed729a55911c9128106d01039da1cd2ac8';
/** sha256 of the JSON text of `georisk sensitivity … --method tornado --trials 3000 --seed 3` without its timing. */
const CLI_TORNADO = '70e83f55ea7d367a8ff755f95fa386b5af1ce6a24b7175d55541b6e3fc3710e1';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('pinned outputs', () => {
  it('every library scenario runs and solves to the pinned hashes', () => {
    expect(libraryHashes()).toEqual(LIBRARY);
  });

  it('a sweep, Morris, tornado and a discovery through the library give the pinned hashes', () => {
    expect(designHashes()).toEqual(DESIGNS);
  });

  it('the CLI on two threads gives the pinned run, sweep and sensitivity', async () => {
    const run = await runCli([
      'run',
      'scenarios/armenia-azerbaijan-2022.yaml',
      '--trials',
      '40000',
      '--seed',
      '3',
      '--workers',
      '2',
      '--format',
      'json',
    ]);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { receipt: { outputHash: string } }).receipt.outputHash).toBe(RUN_2022);
    const common = ['--seed', '5', '--workers', '2'];
    const swept = await runCli([
      'sweep',
      'scenarios/teaching/alliance-dilemma.yaml',
      '--lhs',
      '6',
      '--trials',
      '20000',
      ...common,
      '--format',
      'jsonl',
    ]);
    expect(swept.status).toBe(0);
    expect(sha256(swept.stdout)).toBe(CLI_SWEEP);
    const tornado = await runCli([
      'sensitivity',
      'scenarios/teaching/alliance-dilemma.yaml',
      '--method',
      'tornado',
      '--trials',
      '3000',
      '--seed',
      '3',
      '--workers',
      '2',
      '--format',
      'json',
    ]);
    expect(tornado.status).toBe(0);
    const { timing: _timing, ...rest } = JSON.parse(tornado.stdout) as Record<string, unknown>;
    expect(sha256(JSON.stringify(rest))).toBe(CLI_TORNADO);
  });

  it('the API run gives the pinned hash', async () => {
    const api = await testApp();
    try {
      const res = await api.app.inject({
        method: 'POST',
        url: '/api/runs',
        payload: { scenarioId: 'armenia-azerbaijan-2022', trials: 40000, seed: 3, overrides: {} },
      });
      expect(res.statusCode).toBe(201);
      expect((res.json() as { result: { receipt: { outputHash: string } } }).result.receipt.outputHash).toBe(RUN_2022);
    } finally {
      await api.close();
    }
  });
});
