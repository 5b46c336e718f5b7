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
    exact: '12839c0b964defb1746200f93a1ba754cba14372e807660a9adb86743fb1f532',
  },
  'scenarios/four-day-war-2016.yaml': {
    run: 'a0e0e576440d9da2ba8167255107c6472cc92e61bc39fbd06aac820e89f08044',
    exact: 'e444a39f48020f59bad2664017cdc25f8bd6469efee6c2bfed5c316472a9467e',
  },
  'scenarios/karabakh-2023.yaml': {
    run: '140d360dfd0ebe67fc804e7e66ff7aa893f64ec262cb4591dbbda9e542d0b5ca',
    exact: '3e8ee9b7e1eb4591e23dc8a1fd080f8b6153a3af39e49176354dc50aae23ff90',
  },
  'scenarios/kyrgyz-tajik-2022.yaml': {
    run: 'db7620b822886f2283378dda111eee4806dbda3d7f3b4480f687f4aec29bf242',
    exact: '7648ff089f8ec4ece371b61e66a76ee56e5216d5874a50a0bf25ccafd1738784',
  },
  'scenarios/nagorno-karabakh-2020.yaml': {
    run: '6b8fcb80e8dbd3f0fd7ed39eb1ed3fe9635059c017a942371f3ecdeeefa796a6',
    exact: '17342e82b896b677e6a9f4b3c3256590673e7a38e84e6a88f0eb3c4eb55d217c',
  },
  'scenarios/reference/caucasus-reference.yaml': {
    run: '468b9eee9e3041d3cffc36b5f67d8c64e38287c5b948ee9e5b118fa1c7b36dd4',
    exact: '2580403490cc1c9a187003faca6f286fb299005082144a60ee372f70c238180b',
  },
  'scenarios/teaching/alliance-dilemma.yaml': {
    run: '792bd6b35764e0e912e8a49bf4bd496ace9315e6888fb60616da4fe3fa006976',
    exact: 'b631c08957e6870810b4734e03db8b1cd4f53500d76d6324444d0178eee3b0e1',
  },
  'scenarios/teaching/two-state-border-dispute.yaml': {
    run: '73fee8ae0f6635ce3ffff78ad8cacd8dad6df46d08ef1dc467e95a2fdc3fbaa7',
    exact: 'f0d2fea04b22f9692e41abad8cbd068cc767e15e6c581c0a15a1aabdde64dc6c',
  },
  'scenarios/examples/modular-example.yaml': {
    run: 'aff59a21e1040bab9183e82287f01d42df1fb66b9b5a66ddb3a2711b589bd863',
    exact: '1cd9276f6c65f424e042912c234f0549e9a7f11c94ec3f0ecc9f00c195f9f437',
  },
};

const DESIGNS = {
  sweep: 'd0aac5ecd6a6348dad6363d3c42949412c7e47a8943d350fbafea81995f7ce4c',
  morris: 'aa8e8bdb870f3dbd5fac1b39425f9f4fb79b2757ccddab3b0c3de88d98559b57',
  tornado: '8b6fc2a67dd83db580fe32bd7a3664539b6fc55a63ff976c46609b4f45d503e7',
  discover: '4b357dfde31c16391cad9f40c1cc4ab8124d3681db8de5d740dda908102a40a7',
};

/** `georisk run … --trials 40000 --seed 3` of the 2022 scenario: the CLI, two threads, and the API. */
const RUN_2022 = '9c62842648c95484d0242e6a58b75a051b3a232c5f88660794c4a41d8ddd440a';
/** sha256 of `georisk sweep scenarios/teaching/alliance-dilemma.yaml --lhs 6 --trials 20000 --seed 5 --workers 2 --format jsonl`. */
const CLI_SWEEP = 'a778f797ed853c6064130bc9ba8e66bc7691dde479a8c98a6224d7de894e426b';
/** sha256 of the JSON text of `georisk sensitivity … --method tornado --trials 3000 --seed 3` without its timing. */
const CLI_TORNADO = '84dc707b5f32d91ca21b7be95f4c4ead7fe7f04ee080fa46719038d891af11e3';

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
