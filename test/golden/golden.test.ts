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
    run: '765fab42e235cf8dfa384c6937181c6a08df303742530366202fa8116439e788',
    exact: 'd3106ecf659855b9f14441ccb31355bb40f933a3aff42e22764b3f71f1ba4dd7',
  },
  'scenarios/four-day-war-2016.yaml': {
    run: 'c643753e6b4aa1dd8daca3426a46cca1b004ab18d412d0402f4691b9c923ef1a',
    exact: 'f58c82c8fd54ec7f0494f47254b47a02781d3d8152ee810285ccff9121c31553',
  },
  'scenarios/karabakh-2023.yaml': {
    run: 'c74f6173027b3ce116e6647e24ff3e11549f54ce226e3537b0257da1501c1eed',
    exact: 'b38255dc92fdfccabed3c9ef5b2aba5263c95e75fccd32c4faab8fb9edf98f17',
  },
  'scenarios/kyrgyz-tajik-2022.yaml': {
    run: '769ba4085629094df14801cfc00648abc0549b8a340657839818d8482f31b732',
    exact: '028ec3793383e5b07303cdb8abc42598982fc5ab44e5ce7e56bab2d7cec872c7',
  },
  'scenarios/nagorno-karabakh-2020.yaml': {
    run: '4a24e3645b10fcca935ed11f907c20f51008773ee8df610ecd589ef10b13f1b7',
    exact: 'ad1359b817c1e5d3b1465b693017273e1cd490313d0a6fb1666f7729410b7e01',
  },
  'scenarios/reference/caucasus-reference.yaml': {
    run: '9a8e87d8fdd7bdde59923a4409c41ef2f70f91c479273c550bcd3b1b0a20bd34',
    exact: '6783976817b3c819ed42b7a1877f0ebd2a788797a2a667a2beb8b3348b852a28',
  },
  'scenarios/teaching/alliance-dilemma.yaml': {
    run: '295cbf7ba4b1a02dd953b6d4130a905ca7d1c9949192c47bcbb0f338d7b91295',
    exact: '469a2b20493b5f45ba6a3d08789b5b49ed3329fb258192d0d6bfaf180562bbd7',
  },
  'scenarios/teaching/two-state-border-dispute.yaml': {
    run: '44d516b123659bb93118d99bce3775f9709747545e93f8a0a1a2909843138836',
    exact: 'a84e3de462662717f3c0c9ee6bfee2210bb86352dcc972a74971bd857581573c',
  },
  'scenarios/examples/modular-example.yaml': {
    run: 'f916c812b6f30831847c8464d43f28e83a0cac5c7dbf661647ee41f9cced59bd',
    exact: 'a6b118f3ee7adb68fd244e4bf06822ff4810298f733bb4a652a03acc3210e38d',
  },
};

const DESIGNS = {
  sweep: '97c0647f9c58cced908494b4910443b2b6dd46076c371182de8a1dcbd690fecd',
  morris: '41ef83127f07f31290dbb8b145d53def4de751fcd6810010c27c0635613d2f94',
  tornado: 'b91441f27a2a8faf0791ac08145fc884000854d38d5fddeb7866874630369cda',
  discover: 'b765db683cceed5172614b2359045be0fff13d5753650e6f53b34c2e3e7ea865',
};

/** `georisk run … --trials 40000 --seed 3` of the 2022 scenario: the CLI, two threads, and the API. */
const RUN_2022 = 'fb84e284b968a9d86db9c10735e350f4bcc7117a4052fb240d16fc14d0c51f4c';
/** sha256 of `georisk sweep scenarios/teaching/alliance-dilemma.yaml --lhs 6 --trials 20000 --seed 5 --workers 2 --format jsonl`. */
const CLI_SWEEP = 'f437c9eadd28b88caef636b2cf5bffca78515c71ead9ef9948f369f569de93c2';
/** sha256 of the JSON text of `georisk sensitivity … --method tornado --trials 3000 --seed 3` without its timing. */
const CLI_TORNADO = '46956bb2d28c3aee157f9ad2beef31cb544bb912529d164db5243cbb85385352';

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
