import type { Env } from "../env";

/**
 * Hourly operations counters in D1 (`ops_counters`): the admin page reads them (calls per API, refusals, errors by
 * code). Kept in D1 rather than a Durable Object because the admin page reads them with one query, and rather than
 * in Workers Logs because the worker cannot query those. Only ever written on paths that already cost an Enedis call,
 * a refusal or an error answer — never on a cache hit.
 */
export const HOUR_MS = 3_600_000;
/** The admin page looks back 24 h; rows are kept twice that so "the last 24 h" is always whole. */
export const COUNTER_RETENTION_MS = 48 * HOUR_MS;

export const hourOf = (nowMs: number) => Math.floor(nowMs / HOUR_MS) * HOUR_MS;

/** A detail is a code or an API name; anything else (a stray value) is cut to a harmless shape. */
export const safeDetail = (detail: string) => detail.replace(/[^A-Za-z0-9_.:/-]/g, "_").slice(0, 64);

const UPSERT =
  "INSERT INTO ops_counters (hour_ms, name, detail, count) VALUES (?, ?, ?, ?) ON CONFLICT (hour_ms, name, detail) DO UPDATE SET count = count + excluded.count";

/**
 * Increments not yet written, per env (one per deployment in practice), and the write in flight. Events arriving
 * while a write is in flight are added up and written together by the next one: a burst of error answers (a
 * scanner's 404s) costs a few D1 batches, not one write each.
 */
interface Pending {
  counts: Map<string, { hourMs: number; name: string; detail: string; count: number }>;
  writing?: Promise<void>;
}
const pendingByEnv = new WeakMap<Env, Pending>();

/** +1 for (this hour, name, detail); resolves once written. Never throws: a counter must not fail what it counts. */
export async function bumpCounter(env: Env, name: string, detail: string, nowMs = Date.now()): Promise<void> {
  let pending = pendingByEnv.get(env);
  if (!pending) pendingByEnv.set(env, (pending = { counts: new Map() }));
  const row = { hourMs: hourOf(nowMs), name, detail: safeDetail(detail) };
  const key = `${row.hourMs}|${row.name}|${row.detail}`;
  const entry = pending.counts.get(key);
  if (entry) entry.count++;
  else pending.counts.set(key, { ...row, count: 1 });
  // The write in flight took its rows before ours: wait for it, then write what is left (unless a waiter did).
  while (pending.writing) await pending.writing;
  if (pending.counts.size === 0) return;
  const rows = [...pending.counts.values()];
  pending.counts.clear();
  const current = pending;
  current.writing = write(env, rows).finally(() => {
    current.writing = undefined;
  });
  await current.writing;
}

async function write(env: Env, rows: Array<{ hourMs: number; name: string; detail: string; count: number }>): Promise<void> {
  try {
    await env.DB.batch(rows.map((r) => env.DB.prepare(UPSERT).bind(r.hourMs, r.name, r.detail, r.count)));
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
