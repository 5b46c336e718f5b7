/**
 * The scenario screen: description and sources, the parameter panel, trials and seed, Run and
 * Cancel with progress, the live exact preview, charts with table views, the permalink and
 * downloads, the comparison with a baseline and the sensitivity analysis. This file composes the
 * components and holds their shared state.
 */
import { hindsightWords } from '@georisk/engine';
import { h, replace } from '../dom.ts';
import { formatNumber } from '../format.ts';
import type { LibraryItem } from '../protocol.ts';
import { formatHash } from '../url-state.ts';
import { bandHeadline } from './band-headline.ts';
import { exactPreview } from './exact-preview.ts';
import { permalinkOverrides } from './field-checks.ts';
import { modelDiagrams } from './model-diagrams.ts';
import { parameterPanel } from './parameter-panel.ts';
import { results } from './results.ts';
import { runControls } from './run-controls.ts';
import { createScreenState, currentAddress, currentOverrides, type ScenarioState, type ScreenState } from './screen-state.ts';
import { sensitivity } from './sensitivity.ts';
import { linkedText, sourceItem } from './source-item.ts';
import { updatePanel } from './update-panel.ts';

/** A rendered scenario screen. */
export interface ScenarioView {
  destroy(): void;
}

/** The header: crumbs, the edited-scenario banner, the title, the question and the folded description. */
function scenarioHeader(state: ScreenState): HTMLElement[] {
  const { item, scenario, edited } = state;
  const backToEditor = edited ? h('button', { type: 'button', id: 'back-to-editor' }, '← Back to the editor') : null;
  backToEditor?.addEventListener('click', () => edited?.back());
  const description = scenario.description?.trim();
  const hindsight = hindsightWords(scenario);
  const { time } = scenario;
  return [
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: '#/', id: 'back' }, '← Library'),
      ' ',
      backToEditor ?? h('a', { href: formatHash({ screen: 'editor', id: item.id }), id: 'edit-link' }, 'Edit the YAML'),
    ),
    ...(edited
      ? [
          h(
            'p',
            { class: 'edited-banner' },
            'An edited scenario, not in the library: its permalink cannot reproduce it. Download the YAML from the editor and the results here to share them.',
          ),
        ]
      : []),
    h('h1', { id: 'scenario-title', tabindex: -1 }, scenario.title ?? scenario.id),
    ...(item.question ? [h('p', { class: 'question' }, item.question)] : []),
    ...(hindsight ? [h('p', { class: `hindsight hindsight-${hindsight.kind}`, id: 'hindsight' }, hindsight.text)] : []),
    h(
      'details',
      { class: 'about-scenario' },
      h('summary', {}, 'Description and sources'),
      description ? h('p', {}, ...linkedText(description)) : null,
      scenario.sources?.length ? h('ul', { class: 'sources' }, ...scenario.sources.map(sourceItem)) : null,
      h(
        'p',
        { class: 'muted' },
        `${item.file} · ${Object.keys(scenario.tracks).length} tracks · horizon ${formatNumber(time.horizon)} ${time.unit}s in steps of ${formatNumber(time.dt)}`,
      ),
    ),
  ];
}

/** Renders the screen for one scenario, starting from the state in the address bar. */
export function renderScenario(
  root: HTMLElement,
  item: LibraryItem,
  initial: ScenarioState,
  options: { edited?: { back: () => void } } = {},
): ScenarioView {
  // A permalink's names the scenario lacks are dropped, and said so with what else it could not use.
  const checked = permalinkOverrides(initial.overrides, item.scenario.parameters);
  const substituted = [...(initial.ignored ?? []), ...checked.ignored];
  const notices = [...substituted, ...checked.outside.map((o) => o.text)];
  // A link that asks to run at once runs only on the values it gave: a substituted one leaves Run to the reader.
  const runAtOnce = initial.run && substituted.length === 0;
  const state = createScreenState(item, { ...initial, overrides: checked.overrides }, options.edited);
  // An edited scenario is not in the library, so the address bar cannot name it.
  const updateAddress = () => {
    if (!state.edited) history.replaceState(null, '', formatHash(currentAddress(state)));
  };
  const shown = results(state);
  const diagrams = modelDiagrams(state);
  const preview = exactPreview(state, () => {
    shown.render();
    diagrams.update();
    analysis.exactChanged();
  });
  let addressTimer: ReturnType<typeof setTimeout> | undefined;
  const onInputsChanged = (parametersChanged: boolean) => {
    clearTimeout(addressTimer);
    addressTimer = setTimeout(updateAddress, 150);
    if (parametersChanged) {
      dropSettledNotices();
      diagrams.update();
      preview.request();
      analysis.inputsChanged();
    } else if (state.lastRun) shown.render();
    band.inputsChanged();
  };
  // "Let it vary again": the parameter goes back to its default (and out of the permalink), and the band is recomputed with it.
  const band = bandHeadline(state, (name) => {
    params.reset(name);
    band.start();
  });
  const params = parameterPanel(state, () => onInputsChanged(true));
  // After each run, the band across the priors: of a library scenario and of an edited draft alike.
  const onResult = () => {
    shown.render();
    diagrams.update();
    band.start();
  };
  const controls = runControls(state, { onInputsChanged: () => onInputsChanged(false), updateAddress, onResult });
  // A link's value outside its range is said so while the input still holds it: reset, let vary or
  // typed over, its notice goes (it stayed, naming a value the page no longer had).
  const outsideItems = checked.outside.map(({ name, text }) => ({ name, li: h('li', { 'data-param': name }, text) }));
  const noticeList = h(
    'ul',
    { class: 'permalink-notice-text' },
    ...substituted.map((n) => h('li', {}, n)),
    ...outsideItems.map((o) => o.li),
  );
  let noticeBox: HTMLElement | null = null;
  const dropSettledNotices = () => {
    const now = currentOverrides(state);
    for (const o of outsideItems) if (now[o.name] !== checked.overrides[o.name]) o.li.remove();
    if (noticeBox && noticeList.children.length === 0) noticeBox.remove();
  };
  const analysis = sensitivity(state);
  const observed = updatePanel(state);
  replace(
    root,
    h(
      'article',
      { class: 'scenario-screen', 'aria-labelledby': 'scenario-title' },
      ...scenarioHeader(state),
      notices.length > 0
        ? (noticeBox = h(
            'div',
            { class: 'permalink-notice', id: 'permalink-notice', role: 'status' },
            h('p', { class: 'permalink-notice-text' }, 'This link asked for things the page could not use as given:'),
            noticeList,
            initial.run && !runAtOnce
              ? h(
                  'p',
                  { class: 'permalink-notice-text', id: 'permalink-not-run' },
                  'The link asked to run at once; it was not run, since some values are not the ones it gave. Check them and press Run.',
                )
              : null,
          ))
        : null,
      h(
        'div',
        { class: 'layout' },
        params.element,
        h(
          'section',
          { class: 'main', 'aria-label': 'Run and results' },
          controls.panel,
          controls.status,
          preview.status,
          diagrams.element,
          band.element,
          shown.element,
          analysis.element,
          observed.element,
        ),
      ),
    ),
  );
  shown.render();
  preview.request();
  if (runAtOnce) controls.run();
  return {
    destroy() {
      preview.close();
      diagrams.destroy();
      clearTimeout(addressTimer);
      controls.cancel();
      band.destroy();
      analysis.destroy();
      observed.destroy();
      shown.destroy();
    },
  };
}
