import type { Env } from "../env";

/**
 * Hourly operations counters in D1 (`ops_counters`): one upsert per counted event, read by the admin page.
 * Kept in D1 rather than a Durable Object because the admin page reads them with one query, and rather than in
 * Workers Logs because the worker cannot query those. Only ever written on paths that already cost an Enedis call
 * or an error answer — never on a cache hit.
 */
export const HOUR_MS = 3_600_000;
/** The admin page looks back 24 h; rows are kept twice that so "the last 24 h" is always whole. */
export const COUNTER_RETENTION_MS = 48 * HOUR_MS;

export const hourOf = (nowMs: number) => Math.floor(nowMs / HOUR_MS) * HOUR_MS;

/** A detail is a code or an API name; anything else (a stray value) is cut to a harmless shape. */
export const safeDetail = (detail: string) => detail.replace(/[^A-Za-z0-9_.:/-]/g, "_").slice(0, 64);

/** +1 for (this hour, name, detail). Never throws: a counter must not fail the request it counts. */
export async function bumpCounter(env: Env, name: string, detail: string, nowMs = Date.now()): Promise<void> {
  try {
    await env.DB.prepare(
      "INSERT INTO ops_counters (hour_ms, name, detail, count) VALUES (?, ?, ?, 1) ON CONFLICT (hour_ms, name, detail) DO UPDATE SET count = count + 1",
    )
      .bind(hourOf(nowMs), name, safeDetail(detail))
      .run();
  } catch {
    // D1 unavailable (the very failure being counted, perhaps): the log line still says it happened.
  }
}

export interface CounterRow {
  hour_ms: number;
  name: string;
  detail: string;
  count: number;
}

/** Every counter row of the hours starting at or after `sinceMs`. */
export async function countersSince(env: Env, sinceMs: number): Promise<CounterRow[]> {
  const { results } = await env.DB.prepare("SELECT hour_ms, name, detail, count FROM ops_counters WHERE hour_ms >= ?").bind(hourOf(sinceMs)).all<CounterRow>();
  return results;
}

/** The daily cron: counters older than COUNTER_RETENTION_MS go. Returns how many rows were deleted. */
export async function purgeOldCounters(env: Env, nowMs: number): Promise<number> {
  const result = await env.DB.prepare("DELETE FROM ops_counters WHERE hour_ms < ?").bind(hourOf(nowMs - COUNTER_RETENTION_MS)).run();
  return result.meta.changes ?? 0;
}
