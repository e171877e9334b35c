/**
 * Fares: per class, a base amount plus a per-kilometre rate over the distance travelled, rounded to whole
 * taka, never below the class minimum. Amounts are held in paisa so the arithmetic is exact.
 */
import type { SeatClass } from '@rail/contracts/common';

export interface FareRule {
  class: SeatClass;
  basePaisa: number;
  perKmPaisa: number;
  minimumTaka: number;
}

/** Fare in whole taka for `distanceKm` (half a taka rounds up). */
export function fareFor(rule: FareRule, distanceKm: number): number {
  if (!Number.isFinite(distanceKm) || distanceKm < 0) throw new RangeError(`invalid distance ${distanceKm}`);
  const paisa = rule.basePaisa + rule.perKmPaisa * distanceKm;
  return Math.max(rule.minimumTaka, Math.floor((paisa + 50) / 100));
}

/** matrix[i][j] = fare from stop i to stop j for i < j, 0 otherwise (the TripInventory layout). */
export function fareMatrix(rule: FareRule, distancesKm: readonly number[]): number[][] {
  return distancesKm.map((from, i) => distancesKm.map((to, j) => (j > i ? fareFor(rule, Math.abs(to - from)) : 0)));
}
