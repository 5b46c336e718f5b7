/** Small scenarios shared by the conditioning tests. */

/** Two coupled tracks, a timed event that changes a rate and a condition event that forces a track: a Markov chain of 16 joint states. */
export const FILTER_SCENARIO = `
id: filter-small
time: { unit: hour, dt: 1, horizon: 8 }
parameters:
  esc: { default: 0.4 }
tracks:
  conflict:
    states: [calm, clash, war, truce]
    initial: calm
    transitions:
      - { from: calm, to: clash, rate: esc }
      - { from: clash, to: war, rate: 'ally == "engaged" ? 0.5 : 0.2' }
      - { from: clash, to: truce, rate: 0.3 }
      - { from: war, to: truce, probability: 0.1 }
      - { from: truce, to: clash, rate: 0.15 }
  ally:
    states: [out, engaged]
    initial: out
    transitions:
      - { from: out, to: engaged, rate: 'conflict == "war" ? 0.6 : 0.05' }
events:
  - { id: reinforce, at: 3, set: { esc: 0.9 } }
  - { id: mediators, when: 'conflict == "war"', force: { ally: engaged } }
metrics:
  war: { expr: 'ever(conflict, "war")' }
`;
