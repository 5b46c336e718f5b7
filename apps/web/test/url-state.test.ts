import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BAND_DRAWS, MIN_BAND_DRAWS, PAGE_BAND_DRAWS } from '../src/band-settings.ts';
import { DEFAULT_SEED, DEFAULT_TRIALS, effectiveOverrides, formatHash, MAX_SEED, parseHash, type ViewState } from '../src/url-state.ts';

describe('URL state', () => {
  it('reads a permalink', () => {
    expect(
      parseHash('#/scenario/armenia-azerbaijan-2022?trials=40000&seed=7&set.p_hold_clash=0.82&run=1&receipt=2146151b5ed6a78f'),
    ).toEqual({
      screen: 'scenario',
      id: 'armenia-azerbaijan-2022',
      overrides: { p_hold_clash: 0.82 },
      seed: 7,
      trials: 40_000,
      run: true,
      receipt: '2146151b5ed6a78f',
    });
  });

  it('falls back to defaults for anything unreadable, says what it ignored, and goes to the library for unknown paths', () => {
    expect(parseHash('#/scenario/x?trials=-3&seed=1.5&set.a=abc&set.1bad=2&set.b=&receipt=<script>')).toEqual({
      screen: 'scenario',
      id: 'x',
      overrides: {},
      seed: DEFAULT_SEED,
      trials: DEFAULT_TRIALS,
      run: false,
      ignored: [
        'set.a=abc: not a parameter name and a number; ignored',
        'set.1bad=2: not a parameter name and a number; ignored',
        'set.b=: not a parameter name and a number; ignored',
        'seed=1.5: not a whole number from 0 to 9,007,199,254,740,991; using 1',
        'trials=-3: not a whole number from 1 to 10,000,000; using 10,000',
      ],
    });
    // Seeds run to the engine's largest, 2^53 − 1; one past it is not rounded down to a different seed.
    expect(parseHash('#/scenario/x?seed=5000000000')).toMatchObject({ seed: 5_000_000_000 });
    expect(parseHash('#/scenario/x?seed=9007199254740991')).toMatchObject({ seed: MAX_SEED });
    expect(parseHash('#/scenario/x?seed=9007199254740993')).toMatchObject({
      seed: DEFAULT_SEED,
      ignored: ['seed=9007199254740993: not a whole number from 0 to 9,007,199,254,740,991; using 1'],
    });
    const huge = parseHash('#/scenario/x?trials=5e9');
    expect(huge.screen === 'scenario' && huge.ignored).toEqual(['trials=5e9: not a whole number from 1 to 10,000,000; using 10,000']);
    expect(parseHash('')).toEqual({ screen: 'library', query: '' });
    expect(parseHash('#/nowhere')).toEqual({ screen: 'library', query: '' });
    expect(parseHash('#/?q=csto%20pipeline')).toEqual({ screen: 'library', query: 'csto pipeline' });
  });

  it('writes overrides sorted, so equal states give equal links', () => {
    const a = formatHash({ screen: 'scenario', id: 's', overrides: { b: 2, a: 1e-5 }, seed: 3, trials: 10, run: false });
    const b = formatHash({ screen: 'scenario', id: 's', overrides: { a: 1e-5, b: 2 }, seed: 3, trials: 10, run: false });
    expect(a).toBe(b);
    expect(a).toBe('#/scenario/s?trials=10&seed=3&set.a=0.00001&set.b=2');
  });

  it('round-trips every state bit for bit (overrides are exact doubles)', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);
    const state = fc.record({
      screen: fc.constant('scenario' as const),
      id: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/),
      overrides: fc.dictionary(name, fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 })),
      seed: fc.integer({ min: 0, max: MAX_SEED }),
      trials: fc.integer({ min: 1, max: 10_000_000 }),
      // The page's default draws are left out of a link, so they come back as absent.
      draws: fc.option(
        fc.integer({ min: MIN_BAND_DRAWS, max: MAX_BAND_DRAWS }).filter((d) => d !== PAGE_BAND_DRAWS),
        { nil: undefined },
      ),
      run: fc.boolean(),
    });
    fc.assert(
      fc.property(state, (s) => {
        const back = parseHash(formatHash(s as ViewState)) as Extract<ViewState, { screen: 'scenario' }>;
        const overrides = Object.fromEntries(Object.entries(s.overrides).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v]));
        expect({ ...back, overrides: back.overrides }).toEqual({ ...s, overrides });
      }),
    );
  });

  it("carries the band's draws when they are not the default, and refuses too few or too many", () => {
    expect(parseHash('#/scenario/x?draws=40')).toMatchObject({ draws: 40 });
    expect(parseHash('#/scenario/x')).not.toHaveProperty('draws');
    expect(formatHash({ screen: 'scenario', id: 's', overrides: {}, seed: 1, trials: 10, draws: 40, run: false })).toBe(
      '#/scenario/s?trials=10&seed=1&draws=40',
    );
    expect(formatHash({ screen: 'scenario', id: 's', overrides: {}, seed: 1, trials: 10, draws: PAGE_BAND_DRAWS, run: false })).toBe(
      '#/scenario/s?trials=10&seed=1',
    );
    expect(parseHash('#/scenario/x?draws=5')).toMatchObject({
      draws: PAGE_BAND_DRAWS,
      ignored: ['draws=5: not a whole number from 20 to 2,000; using 200'],
    });
    expect(parseHash('#/scenario/x?draws=abc')).toMatchObject({ ignored: ['draws=abc: not a whole number from 20 to 2,000; using 200'] });
  });

  it('keeps only the overrides that differ from the defaults', () => {
    expect(effectiveOverrides({ a: 1, b: 2, c: 3 }, { a: 1, b: 5, c: 3 })).toEqual({ b: 2 });
    expect(effectiveOverrides({ z: 1 }, { a: 1 })).toEqual({});
  });
});
