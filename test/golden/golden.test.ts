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
    exact: 'fb25cec18fcc0fc5650f6f10f7fabe602774d88372049dd54b5e3333c7ae78bf',
  },
  'scenarios/four-day-war-2016.yaml': {
    run: 'c643753e6b4aa1dd8daca3426a46cca1b004ab18d412d0402f4691b9c923ef1a',
    exact: '9ad337a399a74031f315149d8de3aa03024873d4478b7f7d8d7c47ac15f15b53',
  },
  'scenarios/karabakh-2023.yaml': {
    run: 'c74f6173027b3ce116e6647e24ff3e11549f54ce226e3537b0257da1501c1eed',
    exact: 'eea2013432ed2f178ae7008bcda0f8ae5d6a37dba4a3f6e7273283251c6b5904',
  },
  'scenarios/kyrgyz-tajik-2022.yaml': {
    run: '769ba4085629094df14801cfc00648abc0549b8a340657839818d8482f31b732',
    exact: '8f175ad9425e051d7b9720746aed6718cd19bb8d520cda4a269c5eabf87b9ab2',
  },
  'scenarios/nagorno-karabakh-2020.yaml': {
    run: '4a24e3645b10fcca935ed11f907c20f51008773ee8df610ecd589ef10b13f1b7',
    exact: '175a629a11b315ec582223813bc16822133bfe5f791f716a6f32dd6c3a275c86',
  },
  'scenarios/reference/caucasus-reference.yaml': {
    run: '9a8e87d8fdd7bdde59923a4409c41ef2f70f91c479273c550bcd3b1b0a20bd34',
    exact: '6783976817b3c819ed42b7a1877f0ebd2a788797a2a667a2beb8b3348b852a28',
  },
  'scenarios/teaching/alliance-dilemma.yaml': {
    run: '295cbf7ba4b1a02dd953b6d4130a905ca7d1c9949192c47bcbb0f338d7b91295',
    exact: '67d64ec8a27d5721e554c376f7394adfd5b6a173ce6b4949d2a9ae4371ad0d9c',
  },
  'scenarios/teaching/two-state-border-dispute.yaml': {
    run: '44d516b123659bb93118d99bce3775f9709747545e93f8a0a1a2909843138836',
    exact: '14e9bd54ff0866cb2b8ef326705980b073d8ddb3264ee500f8c379f571b28a84',
  },
  'scenarios/examples/modular-example.yaml': {
    run: 'f916c812b6f30831847c8464d43f28e83a0cac5c7dbf661647ee41f9cced59bd',
    exact: '29bf0ac7aafa37300a14f7db6c4b9cd3c691f1503a6c2e4496f25b46dc2066a9',
  },
};

const DESIGNS = {
  sweep: '97c0647f9c58cced908494b4910443b2b6dd46076c371182de8a1dcbd690fecd',
  morris: '463119c4efac015327ea31ebe019212cc691b9554e70d5a352a472a06539b2ae',
  tornado: '374b95812e6e35431cf0502b10ed57023f450051ae6d62de0f49511235a5a940',
  discover: '2bb75a19b0d684d07cfc837afb0230643abc325224ef0ada6ef76824ae636342',
};

/** `georisk run … --trials 40000 --seed 3` of the 2022 scenario: the CLI, two threads, and the API. */
const RUN_2022 = 'fb84e284b968a9d86db9c10735e350f4bcc7117a4052fb240d16fc14d0c51f4c';
/** sha256 of `georisk sweep scenarios/teaching/alliance-dilemma.yaml --lhs 6 --trials 20000 --seed 5 --workers 2 --format jsonl`. */
const CLI_SWEEP = 'f437c9eadd28b88caef636b2cf5bffca78515c71ead9ef9948f369f569de93c2';
/** sha256 of the JSON text of `georisk sensitivity … --method tornado --trials 3000 --seed 3` without its timing. */
const CLI_TORNADO = '8c828c9fff29c1e6aa96b61f888896ca467da13f4817eca03d548de8f93c83ec';

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
