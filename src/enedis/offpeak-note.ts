/**
 * Off-peak hours come, in Data Connect 2026, only from `comptage_auto`, which an application may not be subscribed to
 * (403 900908) or which may fail on its own. The contract still answers without them — but never silently: the
 * answer carries this note (a symbol, so it is never serialised into a client's answer or the cache), `auto` mode
 * then asks v5 for them, and the mirror records OFFPEAK_UNAVAILABLE in the PDL's last_error when nobody could.
 */
const OFFPEAK_MISSING = Symbol("offpeak-missing");

type Noted = { [OFFPEAK_MISSING]?: string };

/** Marks a contract answer whose off-peak hours could not be read; `reason` is Enedis's code (e.g. "900908"). */
export function noteOffpeakMissing<T extends object>(answer: T, reason: string): T {
  (answer as Noted)[OFFPEAK_MISSING] = reason;
  return answer;
}

/** Enedis's reason when the answer's off-peak hours could not be read, else undefined. */
export const offpeakMissing = (answer: unknown): string | undefined =>
  answer && typeof answer === "object" ? (answer as Noted)[OFFPEAK_MISSING] : undefined;

export function clearOffpeakNote(answer: object): void {
  delete (answer as Noted)[OFFPEAK_MISSING];
}

/** The error code kept in usage_points.last_error for such a PDL. */
export const OFFPEAK_UNAVAILABLE = "OFFPEAK_UNAVAILABLE";
