import { getConfig } from "../config";
import type { Env } from "../env";
import type { BudgetStats } from "../limits/budget-ledger";
import { countersSince, hourOf, HOUR_MS, type CounterRow } from "../observability/counters";

/**
 * What the admin page shows of the gateway's own activity, from the hourly counters (src/observability/counters.ts)
 * and the Enedis budget's day counts. Codes, API names and counts only.
 */
export interface OpsStats {
  enedis: {
    /** ENEDIS_HOURLY_LIMIT: what each API may take in a rolling hour. */
    hourly_limit: number;
    /** Per Enedis API (budget scope): calls today (UTC), in the current hour, and in today's busiest hour. */
    apis: Array<{ api: string; today: number; this_hour: number; peak_hour: number }>;
  };
  /** Budget refusals over the last 24 h: interactive requests answered ENEDIS_BUSY, sync runs deferred. */
  refusals_24h: Array<{ priority: string; reason: string; count: number }>;
  /** Error answers by gateway code, and Enedis errors by gateway code and Enedis's own code, over the last 24 h. */
  errors_24h: {
    gateway: Array<{ code: string; count: number }>;
    enedis: Array<{ code: string; enedis_code: string; count: number }>;
  };
  /** Sync runs over the last 24 h. */
  sync_24h: { done: number; failed: number };
}

const byCountDesc = <T extends { count: number }>(a: T, b: T) => b.count - a.count;

/** Sums rows by detail. */
function totals(rows: CounterRow[], name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) if (r.name === name) out.set(r.detail, (out.get(r.detail) ?? 0) + r.count);
  return out;
}

export function opsStatsFrom(rows: CounterRow[], budget: BudgetStats, hourlyLimit: number, nowMs: number): OpsStats {
  const dayStart = Math.floor(nowMs / (24 * HOUR_MS)) * 24 * HOUR_MS;
  const thisHour = hourOf(nowMs);
  const since24h = hourOf(nowMs - 24 * HOUR_MS);
  const last24h = rows.filter((r) => r.hour_ms >= since24h);

  const apis = new Map<string, { api: string; today: number; this_hour: number; peak_hour: number }>();
  const apiRow = (api: string) => apis.get(api) ?? apis.set(api, { api, today: 0, this_hour: 0, peak_hour: 0 }).get(api)!;
  for (const [api, calls] of Object.entries(budget.perApi)) apiRow(api).today = calls;
  for (const r of rows) {
    if (r.name !== "enedis_call" || r.hour_ms < dayStart) continue;
    const row = apiRow(r.detail);
    if (r.hour_ms === thisHour) row.this_hour = r.count;
    row.peak_hour = Math.max(row.peak_hour, r.count);
  }

  const split = (detail: string) => {
    const i = detail.indexOf(":");
    return i < 0 ? [detail, ""] : [detail.slice(0, i), detail.slice(i + 1)];
  };
  return {
    enedis: { hourly_limit: hourlyLimit, apis: [...apis.values()].sort((a, b) => b.today - a.today || a.api.localeCompare(b.api)) },
    refusals_24h: [...totals(last24h, "budget_refused")].map(([d, count]) => {
      const [priority, reason] = split(d);
      return { priority, reason, count };
    }).sort(byCountDesc),
    errors_24h: {
      gateway: [...totals(last24h, "request_failed")].map(([code, count]) => ({ code, count })).sort(byCountDesc),
      enedis: [...totals(last24h, "enedis_error")].map(([d, count]) => {
        const [code, enedis_code] = split(d);
        return { code, enedis_code, count };
      }).sort(byCountDesc),
    },
    sync_24h: {
      done: [...totals(last24h, "sync_done").values()].reduce((s, n) => s + n, 0),
      failed: [...totals(last24h, "sync_failed").values()].reduce((s, n) => s + n, 0),
    },
  };
}

export async function loadOpsStats(env: Env, budget: BudgetStats, nowMs = Date.now()): Promise<OpsStats> {
  // Today's hours and the last 24 h: whichever starts first.
  const since = Math.min(Math.floor(nowMs / (24 * HOUR_MS)) * 24 * HOUR_MS, nowMs - 24 * HOUR_MS);
  return opsStatsFrom(await countersSince(env, since), budget, getConfig(env).hourlyLimitPerApi, nowMs);
}
