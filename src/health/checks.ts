import type { Env } from "../env";
import { ENEDIS_BUDGET_NAME } from "../limits/enedis-budget";
import { TOKEN_KEEPER_NAME } from "../limits/token-keeper";

export type CheckState = "ok" | "error";

/** The name of the probe objects: not a PDL number (14 digits) nor an account id (a UUID), so it meets no real one. */
export const PROBE_NAME = "health-probe";
/** A KV key that is never written: reading it proves KV answers. */
export const PROBE_KV_KEY = "health-probe";
/** A binding that hangs must not hang the health answer. */
export const CHECK_TIMEOUT_MS = 3_000;

async function state(check: () => Promise<unknown>): Promise<CheckState> {
  let timer: number | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timeout")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch {
    return "error";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * One cheap call per Durable Object class the requests depend on. Read-only: the budget's real instance gives its
 * day's counts; the token keeper's real instance and a probe scheduler answer a ping (no storage, no Enedis call);
 * AccountGate has no read that skips its schema, so the probe instance holds one empty table — never more.
 */
const objectChecks = (env: Env) => ({
  enedis_budget: () => env.ENEDIS_BUDGET.get(env.ENEDIS_BUDGET.idFromName(ENEDIS_BUDGET_NAME)).stats(),
  enedis_token: () => env.ENEDIS_TOKEN.get(env.ENEDIS_TOKEN.idFromName(TOKEN_KEEPER_NAME)).ping(),
  account_gate: () => env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(PROBE_NAME)).usage(Date.now()),
  sync_scheduler: () => env.SYNC_SCHEDULER.get(env.SYNC_SCHEDULER.idFromName(PROBE_NAME)).ping(),
});

export type ObjectName = keyof ReturnType<typeof objectChecks>;

export interface HealthReport {
  ok: boolean;
  checks: { d1: CheckState; kv: CheckState; durable_objects: CheckState };
  durable_objects: Record<ObjectName, CheckState>;
}

/** D1, KV and the Durable Objects, checked in parallel. Answers states only: no secret, no row, no personal data. */
export async function checkHealth(env: Env): Promise<HealthReport> {
  const objects = Object.entries(objectChecks(env)) as [ObjectName, () => Promise<unknown>][];
  const [d1, kv, ...objectStates] = await Promise.all([
    state(() => env.DB.prepare("SELECT 1 AS one").first()),
    state(() => env.KV.get(PROBE_KV_KEY)),
    ...objects.map(([, check]) => state(check)),
  ]);
  const durableObjects = Object.fromEntries(objects.map(([name], i) => [name, objectStates[i]])) as Record<ObjectName, CheckState>;
  const allObjects: CheckState = objectStates.every((s) => s === "ok") ? "ok" : "error";
  return {
    ok: d1 === "ok" && kv === "ok" && allObjects === "ok",
    checks: { d1, kv, durable_objects: allObjects },
    durable_objects: durableObjects,
  };
}
