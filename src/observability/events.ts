import type { Env } from "../env";
import { bumpCounter } from "./counters";

/**
 * The one way the worker reports what happened: a JSON line `{"event": name, ...fields}` for Workers Logs, and for
 * counted events +1 on this hour's counter (admin page). Fields are codes, counts, API names and kinds — never a
 * secret, token, `state`, PDL number, person or meter value (SECURITY.md property 8; table in docs/logs.md).
 */
type Fields = Record<string, string | number | boolean | undefined>;

interface EventSpec {
  /** Console level, or null: counted only (too frequent to log one line each). */
  level: "log" | "warn" | "error" | null;
  /** Which fields name the counter's detail (joined with ":"); absent: not counted. */
  countBy?: readonly string[];
}

export const EVENTS = {
  consent_attached: { level: "log", countBy: [] },
  consent_not_attached: { level: "warn", countBy: ["outcome"] },
  consent_callback_failed: { level: "warn", countBy: ["code"] },
  enedis_call: { level: null, countBy: ["api"] },
  enedis_error: { level: "warn", countBy: ["code", "enedis_code"] },
  enedis_token_refreshed: { level: "log", countBy: [] },
  budget_refused: { level: "warn", countBy: ["priority", "reason"] },
  sync_done: { level: "log", countBy: [] },
  sync_failed: { level: "warn", countBy: ["code"] },
  sync_deferred: { level: "log" },
  sync_not_published: { level: "log" },
  request_failed: { level: null, countBy: ["code"] },
  unhandled_error: { level: "error" },
  daily_maintenance: { level: "log" },
} as const satisfies Record<string, EventSpec>;

export type EventName = keyof typeof EVENTS;

/** Logs (and counts) one event. Awaiting it waits for the counter; it never throws. */
export async function emitEvent(env: Env, name: EventName, fields: Fields = {}, nowMs = Date.now()): Promise<void> {
  const spec: EventSpec = EVENTS[name];
  if (spec.level) console[spec.level](JSON.stringify({ event: name, ...fields }));
  if (spec.countBy) await bumpCounter(env, name, spec.countBy.map((f) => String(fields[f] ?? "")).join(":"), nowMs);
}
