/**
 * Journey segments as leg ranges and bit masks: a trip with stops s0..sn has legs 0..n-1 (leg i runs
 * s[i] -> s[i+1]); a booking from stop i to stop j covers legs [i, j). Two bookings of a seat conflict
 * exactly when their masks share a bit. Masks fit Redis Lua's 32-bit `bit` library (up to 31 legs).
 */
export const MAX_LEGS = 31;

export function legMask(fromIndex: number, toIndex: number): number {
  if (!Number.isInteger(fromIndex) || !Number.isInteger(toIndex) || fromIndex < 0 || toIndex <= fromIndex || toIndex > MAX_LEGS) {
    throw new RangeError(`invalid leg range [${fromIndex}, ${toIndex})`);
  }
  // Bits fromIndex..toIndex-1 set; computed in two steps so toIndex = 31 stays within int32 semantics.
  return (2 ** toIndex - 1 - (2 ** fromIndex - 1)) >>> 0;
}

export function masksOverlap(a: number, b: number): boolean {
  return (a & b) !== 0;
}

/** The [from, to) leg range covered by a mask of contiguous bits. */
export function maskToRange(mask: number): { fromIndex: number; toIndex: number } {
  if (mask <= 0) throw new RangeError('empty mask');
  let fromIndex = 0;
  while (((mask >>> fromIndex) & 1) === 0) fromIndex++;
  let toIndex = fromIndex;
  while (toIndex < 32 && ((mask >>> toIndex) & 1) === 1) toIndex++;
  return { fromIndex, toIndex };
}
