/**
 * Sliding-window slot finding, pure so it can be tested without a Durable Object.
 *
 * Rule enforced: at most `limit` starts in any window [a, a + windowMs). For a sorted list of starts that holds
 * exactly when every run of `limit + 1` consecutive starts spans at least `windowMs`. Inserting one start `t`
 * only touches the runs that contain it, so checking a candidate costs O(limit).
 */

/** Index of the first element greater than `t` (so `t` goes after equal starts). */
function upperBound(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether one more start at `t` keeps every window of `windowMs` at `limit` starts or fewer. */
export function fitsAt(sorted: readonly number[], t: number, limit: number, windowMs: number): boolean {
  const pos = upperBound(sorted, t);
  // The merged list is sorted[0..pos) + t + sorted[pos..); `at` reads it without building it.
  const at = (k: number) => (k < pos ? sorted[k] : k === pos ? t : sorted[k - 1]);
  for (let first = Math.max(0, pos - limit); first <= pos; first++) {
    const last = first + limit;
    if (last > sorted.length) break; // the merged list has sorted.length + 1 elements
    if (at(last) - at(first) < windowMs) return false;
  }
  return true;
}

/**
 * Earliest time ≥ `from` at which one more start fits. Only `from` and the moments an existing start leaves the
 * window (`s + windowMs`) can open a slot, so those are the only candidates; the last one always fits.
 */
export function earliestStart(sorted: readonly number[], from: number, limit: number, windowMs: number): number {
  if (sorted.length < limit) return from; // fewer starts than the limit in total: no window can overflow
  if (fitsAt(sorted, from, limit, windowMs)) return from;
  for (const s of sorted) {
    const candidate = s + windowMs;
    if (candidate > from && fitsAt(sorted, candidate, limit, windowMs)) return candidate;
  }
  return sorted[sorted.length - 1] + windowMs; // unreachable: the last candidate always fits
}

/** Largest number of starts found in any window [a, a + windowMs) — what tests assert against. */
export function maxInAnyWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}
