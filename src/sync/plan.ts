/**
 * Background sync's scheduling POLICY, as pure functions (no I/O, no clock: every function takes `nowMs`).
 * The SyncScheduler Durable Object (one per account × PDL) asks `nextAttemptAt` where to set its alarm; the scale
 * simulation of the Enedis budget replays the same functions.
 *
 * The policy, in words (docs/sync.md):
 * - Enedis publishes day D-1 on day D, usually from 08:00 Paris, sometimes hours later.
 * - A PDL just consented, or whose sync was just switched on, is synced at once (within a minute).
 * - Otherwise each PDL has its own daily slot: a deterministic hash of its id spread evenly over 08:00–20:00 Paris,
 *   so thousands of PDLs do not all call Enedis at 08:00 (the households' own 06:00–09:00 polls need that budget).
 * - At the slot, if D-1 is not published yet, try again gently (every RETRY_INTERVAL_MS) until GIVE_UP_HOUR Paris,
 *   then give up until the next day's slot (the next day's run fills that gap too: up to SYNC_DAYS_BACK days back).
 * - A PDL nobody read for REST_AFTER_DAYS days rests (no attempt) until its next read.
 * - Sync off, PDL inactive, or consent gone (Enedis answered CONSENT_REQUIRED / NOT_OWNER): no attempt.
 */
import { addDays, daysBetween, dayToUtcMs, parisDay, parisOffsetMinutes } from "../simulator/calendar";

const HOUR_MS = 3_600_000;

/** How far back sync fills gaps (D-1 … D-7): older days are the mirror's business, on demand. */
export const SYNC_DAYS_BACK = 7;
/** A PDL unread for this many days rests. */
export const REST_AFTER_DAYS = 14;
/** Window (Paris hours, [start, end)) over which the PDLs' daily slots are spread. */
export const SLOT_WINDOW = { startHour: 8, endHour: 20 } as const;
/** Pause between attempts while D-1 is not published yet. */
export const RETRY_INTERVAL_MS = HOUR_MS;
/** Paris hour after which a day's attempts stop (D-1 is then fetched with the next day's run). */
export const GIVE_UP_HOUR = 23;
/** Delay before the first run of a PDL just consented or switched on ("within a minute"). */
export const SOON_DELAY_MS = 5_000;

/** What the policy needs to know about one PDL. Days are Paris calendar days "YYYY-MM-DD". */
export interface SyncState {
  usagePointId: string;
  /** `sync` on and PDL active. */
  enabled: boolean;
  /** Enedis said the consent is gone (CONSENT_REQUIRED / NOT_OWNER): stopped until a new consent. */
  stopped: boolean;
  /** Set when the PDL was just consented or its sync switched on: run as soon as possible. Cleared by a run. */
  soonAtMs: number | null;
  /** Last day for which every series was fetched and cached (null: none yet). */
  syncedThrough: string | null;
  /** When the last run started (null: never). */
  lastAttemptAtMs: number | null;
  /** Last Paris day someone read this PDL through the mirror (null: never; then `sinceMs` counts). */
  lastReadDay: string | null;
  /** When the PDL was attached or its sync switched on: the rest countdown starts there when never read. */
  sinceMs: number;
}

/** Paris wall-clock `hour` (may be fractional) of `day`, as an instant. Exact outside the 02:00–03:00 DST hour. */
export function parisTimeMs(day: string, hour: number): number {
  const naive = dayToUtcMs(day) + hour * HOUR_MS;
  return naive - parisOffsetMinutes(naive - 2 * HOUR_MS) * 60_000;
}

/** When day `day`'s data is expected (08:00 Paris the next day) and when sync gives up on it that day. */
export function publicationWindow(day: string): { expectedFromMs: number; giveUpAtMs: number } {
  const next = addDays(day, 1);
  return { expectedFromMs: parisTimeMs(next, SLOT_WINDOW.startHour), giveUpAtMs: parisTimeMs(next, GIVE_UP_HOUR) };
}

/** FNV-1a (32 bits) of the id: deterministic and well spread, so slots are even without any shared state. */
export function slotFraction(usagePointId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < usagePointId.length; i++) {
    h ^= usagePointId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

/** The PDL's daily slot on Paris day `today` (the day its D-1 is published). */
export function dailySlotMs(usagePointId: string, today: string): number {
  const span = SLOT_WINDOW.endHour - SLOT_WINDOW.startHour;
  return parisTimeMs(today, SLOT_WINDOW.startHour + slotFraction(usagePointId) * span);
}

/** The day sync aims at on Paris day `today`: yesterday. */
export const targetDay = (nowMs: number) => addDays(parisDay(nowMs), -1);

/** True when nobody read the PDL for REST_AFTER_DAYS days (a read resumes it). */
export function isResting(state: Pick<SyncState, "lastReadDay" | "sinceMs">, nowMs: number): boolean {
  const today = parisDay(nowMs);
  const since = state.lastReadDay && state.lastReadDay > parisDay(state.sinceMs) ? state.lastReadDay : parisDay(state.sinceMs);
  return daysBetween(since, today) >= REST_AFTER_DAYS;
}

/** True when a read on `nowMs` should record itself (at most one write a day per PDL). */
export const shouldTouchLastRead = (lastReadDay: string | null, nowMs: number) => lastReadDay !== parisDay(nowMs);

export type Verdict = { atMs: number } | { atMs: null; why: "off" | "stopped" | "resting" };

/**
 * When to run the PDL next, at or after `nowMs` (an instant ≤ nowMs means "now"), or why never (until something
 * changes: a read, a new consent, sync switched on).
 */
export function nextAttemptAt(state: SyncState, nowMs: number): Verdict {
  if (!state.enabled) return { atMs: null, why: "off" };
  if (state.stopped) return { atMs: null, why: "stopped" };
  if (isResting(state, nowMs)) return { atMs: null, why: "resting" };
  if (state.soonAtMs !== null) return { atMs: Math.max(nowMs, state.soonAtMs) };
  const today = parisDay(nowMs);
  const tomorrowSlot = dailySlotMs(state.usagePointId, addDays(today, 1));
  if (state.syncedThrough !== null && state.syncedThrough >= addDays(today, -1)) return { atMs: tomorrowSlot };
  const slot = dailySlotMs(state.usagePointId, today);
  if (nowMs < slot) return { atMs: slot };
  if (state.lastAttemptAtMs === null || state.lastAttemptAtMs < slot) return { atMs: nowMs };
  // Attempted since today's slot and D-1 still missing: not published yet. Poll gently, then wait for tomorrow.
  const retry = Math.max(nowMs, state.lastAttemptAtMs + RETRY_INTERVAL_MS);
  return retry < parisTimeMs(today, GIVE_UP_HOUR) ? { atMs: retry } : { atMs: tomorrowSlot };
}

/**
 * The recent days a series lacks: D-1 back to D-SYNC_DAYS_BACK (never before the meter's activation), minus those
 * present in the cache. "Present" means a cache key exists — the server can compute key names but cannot decrypt.
 * Oldest first.
 */
export function missingDays(nowMs: number, present: ReadonlySet<string>, activationDate?: string | null): string[] {
  const last = targetDay(nowMs);
  const days: string[] = [];
  for (let back = SYNC_DAYS_BACK - 1; back >= 0; back--) {
    const day = addDays(last, -back);
    if (activationDate && day < activationDate) continue;
    if (!present.has(day)) days.push(day);
  }
  return days;
}

/** The days sync looks at on `nowMs` (D-SYNC_DAYS_BACK … D-1), oldest first. */
export const recentDays = (nowMs: number) => missingDays(nowMs, new Set());
