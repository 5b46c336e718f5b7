/**
 * Each scenario's distance from the fighting to BTC/SCP is the great-circle distance measured from the
 * coordinates in docs/research/caucasus.md §5.3, recomputed here from that table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { libraryScenario } from '../helpers/library-scenarios.ts';

type Point = readonly [lat: number, lon: number];

const EARTH_RADIUS_KM = 6371;
const RAD = Math.PI / 180;

/** The rows of the §5.3 table: role (`route` or a scenario file), latitude, longitude. */
function measuredTable(): { role: string; point: Point }[] {
  const notes = readFileSync(join(ROOT, 'docs/research/caucasus.md'), 'utf8');
  const section = notes.slice(notes.indexOf('### 5.3 Measured distances'), notes.indexOf('## 6.'));
  return section
    .split('\n')
    .filter((line) => /^\| (route|[\w-]+\.yaml) \|/.test(line))
    .map((line) => {
      const [role = '', , lat = '', lon = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      return { role, point: [Number(lat), Number(lon)] as const };
    });
}

/** Haversine distance in km. */
function greatCircleKm(a: Point, b: Point): number {
  const h =
    Math.sin(((b[0] - a[0]) * RAD) / 2) ** 2 + Math.cos(a[0] * RAD) * Math.cos(b[0] * RAD) * Math.sin(((b[1] - a[1]) * RAD) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}

/** Shortest distance from `p` to the route's straight segments, sampled every ~0.1 km. */
function distanceToRouteKm(p: Point, route: Point[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < route.length; i++) {
    const [a, b] = [route[i] as Point, route[i + 1] as Point];
    const samples = Math.ceil(greatCircleKm(a, b) * 10);
    for (let k = 0; k <= samples; k++) {
      const t = k / samples;
      best = Math.min(best, greatCircleKm(p, [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]));
    }
  }
  return best;
}

const table = measuredTable();
const route = table.filter((r) => r.role === 'route').map((r) => r.point);
const scenarios = [...new Set(table.map((r) => r.role).filter((role) => role !== 'route'))];

describe('distances from the fighting to the pipelines (research notes §5.3)', () => {
  it('reads a route of at least three towns and four scenarios from the table', () => {
    expect(route.length).toBeGreaterThanOrEqual(3);
    expect(scenarios.length).toBeGreaterThanOrEqual(4);
    // A known pair as a check of the formula: Yevlakh to Shamkir is about 98 km by great circle.
    expect(greatCircleKm(route[0] as Point, route[1] as Point)).toBeCloseTo(98.2, 0);
  });

  it('the Tovuz 2020 check point agrees with the 15 km in the record, within the stated ±15 km', () => {
    const notes = readFileSync(join(ROOT, 'docs/research/caucasus.md'), 'utf8');
    const row = notes.split('\n').find((line) => line.startsWith('| check | Aghdam'));
    const [, , lat = '', lon = ''] = (row ?? '')
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    const measured = distanceToRouteKm([Number(lat), Number(lon)], route);
    expect(row).toBeDefined();
    expect(Math.abs(measured - 15)).toBeLessThanOrEqual(15);
    expect(Math.round(measured)).toBe(11);
  });

  it.each(scenarios)('%s sets sector_distance_km to the measured distance', (file) => {
    const nearest = Math.min(...table.filter((r) => r.role === file).map((r) => distanceToRouteKm(r.point, route)));
    const doc = libraryScenario(`scenarios/${file}`);
    expect(doc.parameters.sector_distance_km?.default).toBe(Math.round(nearest));
  });
});
