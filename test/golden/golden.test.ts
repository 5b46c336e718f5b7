/**
 * Behaviour pinned to the bit (issue 13): the hashes below were recorded on main before the
 * execution layer and the code around it were reshaped. A refactor keeps every one of them; a
 * change that means to alter numbers (a new sampler order, a model fix) updates them in the same
 * commit and says why. The browser's run is pinned in test/e2e/web.test.ts, the classroom reveal in
 * test/api/classroom.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testApp } from '../api/helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { designHashes, libraryHashes } from './compute.ts';

const LIBRARY: Record<string, { run: string; exact: string }> = {
  'scenarios/armenia-azerbaijan-2022.yaml': {
    run: '6aae9393b658ccf76a9ce9c866581f4f82e42da83df9ddc950cae8735c83d1cc',
    exact: '500eab94e3de66cb0470c72b1d9fcef87197a32159bd6e9a78df00dfd40fb203',
  },
  'scenarios/four-day-war-2016.yaml': {
    run: 'a0e0e576440d9da2ba8167255107c6472cc92e61bc39fbd06aac820e89f08044',
    exact: '1fca7c66649b6ced6f7af40c9ec335bb766d77fb533933917c70449957c162fb',
  },
  'scenarios/karabakh-2023.yaml': {
    run: '140d360dfd0ebe67fc804e7e66ff7aa893f64ec262cb4591dbbda9e542d0b5ca',
    exact: 'c83fb65bdaef8df6e95eeac4fd34da84384425f3d9279bf39e0c829a8b367ba8',
  },
  'scenarios/kyrgyz-tajik-2022.yaml': {
    run: 'db7620b822886f2283378dda111eee4806dbda3d7f3b4480f687f4aec29bf242',
    exact: 'e0ac55c2fd826d7a3f4007ea6be2e1e8481f8c47d14aafb27c3660d6517ffa81',
  },
  'scenarios/nagorno-karabakh-2020.yaml': {
    run: '6b8fcb80e8dbd3f0fd7ed39eb1ed3fe9635059c017a942371f3ecdeeefa796a6',
    exact: '46e04b64a0f4c14249f073c87870cda2f0a7979a2301d5baad990618e9d9685f',
  },
  'scenarios/reference/caucasus-reference.yaml': {
    run: '468b9eee9e3041d3cffc36b5f67d8c64e38287c5b948ee9e5b118fa1c7b36dd4',
    exact: '2580403490cc1c9a187003faca6f286fb299005082144a60ee372f70c238180b',
  },
  'scenarios/teaching/alliance-dilemma.yaml': {
    run: '792bd6b35764e0e912e8a49bf4bd496ace9315e6888fb60616da4fe3fa006976',
    exact: '9a1e4bd726f0ba44291ef765dc3c082273f4ba6a507fac61c0c1de890d503c49',
  },
  'scenarios/teaching/two-state-border-dispute.yaml': {
    run: '73fee8ae0f6635ce3ffff78ad8cacd8dad6df46d08ef1dc467e95a2fdc3fbaa7',
    exact: 'fe0a6ec1b9031a1decedea87215eb82996a0b2340aae7ac633de044683d8690a',
  },
  'scenarios/examples/modular-example.yaml': {
    run: 'aff59a21e1040bab9183e82287f01d42df1fb66b9b5a66ddb3a2711b589bd863',
    exact: 'a3c006eb6dc29f70cb34b90d58120866f39078c52849429e8fda0758a8164366',
  },
};

const DESIGNS = {
  sweep: 'd0aac5ecd6a6348dad6363d3c42949412c7e47a8943d350fbafea81995f7ce4c',
  morris: 'eeb18b9dbd63b9692aa6a2483fa3f802ede47fbb4c4129b774485ef02656d5eb',
  tornado: '3eb919b37d78b42da6ac61ceb19f42b0d1fc7d9c882c846ac2ca14016d50d140',
  discover: '110001e23d1cb8ee8b59298c15e3c225b77f3f471b3e2016016ab7e16ff92ea9',
};

/** `georisk run … --trials 40000 --seed 3` of the 2022 scenario: the CLI, two threads, and the API. */
const RUN_2022 = '9c62842648c95484d0242e6a58b75a051b3a232c5f88660794c4a41d8ddd440a';
/** sha256 of `georisk sweep scenarios/teaching/alliance-dilemma.yaml --lhs 6 --trials 20000 --seed 5 --workers 2 --format jsonl`. */
const CLI_SWEEP = 'a778f797ed853c6064130bc9ba8e66bc7691dde479a8c98a6224d7de894e426b';
/** sha256 of the JSON text of `georisk sensitivity … --method tornado --trials 3000 --seed 3` without its timing. */
const CLI_TORNADO = '5773e23893d83875ddcf24a6c907e0428bc02d9c552f899a21f9afbe1a2185e5';

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
