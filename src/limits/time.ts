/** Time helpers shared by the limit Durable Objects and their worker-side clients. All days are UTC days. */

export const SECOND_MS = 1000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of the UTC day holding `ms`. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch seconds of the next UTC midnight after `ms` (when daily quotas reset). */
export function nextUtcMidnightSec(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * (DAY_MS / SECOND_MS);
}

/** Whole seconds (at least 1) a client should wait for `ms` milliseconds: what a Retry-After header carries. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / SECOND_MS));
}

/** Sleeps without blocking the isolate (Workers' scheduler; resolves immediately for 0). */
export function sleep(ms: number): Promise<void> {
  return ms > 0 ? scheduler.wait(ms) : Promise.resolve();
}
