import { accountPublicKey } from "../accounts/key-pair";
import { presentDays, writeDaysSealedToPublicKey, type SyncSlot } from "../cache/store";
import { withApplicationToken } from "../enedis/app-token";
import { createEnedisClient } from "../enedis/client";
import { eachDay, isSettled, maxDaysPerCall, splitIntoCalls } from "../enedis/dates";
import { EnedisUpstreamError } from "../enedis/errors";
import { createTransport } from "../enedis/transport";
import type { EnedisClient, MeteringKind } from "../enedis/types";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { acquireEnedisPermit } from "../limits/budget-client";
import { isCompleteDay } from "../mirror/completeness";
import { BEFORE_ACTIVATION, groupByDay } from "../mirror/metering";
import { cacheTtlSeconds, noDataTtlSeconds } from "../mirror/policy";
import type { UsagePointRow } from "../pdl/store";
import { missingDays, recentDays, targetDay } from "./plan";

/**
 * One sync run for one PDL: for every series it has, the recent days without a cache entry (D-7 … D-1) are asked of
 * Enedis and the complete ones written, sealed to the account's public key (the server cannot read them back).
 * Calls take their permits with priority "sync" (within SYNC_BUDGET_SHARE) and count against no account's quota.
 */
export type SyncOutcome =
  | { kind: "done"; syncedThrough: string } // D-1 of the PDL's main daily series is cached
  | { kind: "not_published" } // Enedis has no D-1 yet: poll again later
  | { kind: "stopped"; code: "CONSENT_REQUIRED" | "NOT_OWNER" } // consent revoked or expired
  | { kind: "busy"; retryAfterMs: number } // the budget deferred sync's calls (share, pace, fair share, a busy second): try again then
  | { kind: "failed"; code: string }
  | { kind: "no_key" }; // account without a key pair yet (made at its next authenticated request)

/** The series a PDL has: consumption's three, production's two. The first is the "is D-1 published" witness. */
export function seriesOf(pdl: Pick<UsagePointRow, "hasConsumption" | "hasProduction">): MeteringKind[] {
  return [
    ...(pdl.hasConsumption ? (["consumption_daily", "consumption_load_curve", "consumption_max_power"] as const) : []),
    ...(pdl.hasProduction ? (["production_daily", "production_load_curve"] as const) : []),
  ];
}

export async function runSync(env: Env, pdl: UsagePointRow, nowMs: number): Promise<SyncOutcome> {
  const publicKey = await accountPublicKey(env, pdl.userId);
  if (!publicKey) return { kind: "no_key" };
  const series = seriesOf(pdl);
  if (series.length === 0) return { kind: "failed", code: "NO_SERIES" };
  const client = createEnedisClient(
    env,
    createTransport(env, { acquirePermit: (scope) => acquireEnedisPermit(env, scope, { priority: "sync", accountId: pdl.userId }) }),
  );
  const target = targetDay(nowMs);
  try {
    const witness = await withApplicationToken(env, async (token) => {
      // The first series (daily consumption, or daily production) tells whether Enedis has published D-1.
      const published = await syncSeries(env, client, token, pdl, series[0], publicKey, nowMs, false);
      for (const kind of series.slice(1)) await syncSeries(env, client, token, pdl, kind, publicKey, nowMs, published);
      return published;
    });
    return witness ? { kind: "done", syncedThrough: target } : { kind: "not_published" };
  } catch (error) {
    if (!(error instanceof AppError)) return { kind: "failed", code: "INTERNAL" };
    if (error.code === "CONSENT_REQUIRED" || error.code === "NOT_OWNER") return { kind: "stopped", code: error.code };
    if (error.code === "ENEDIS_BUSY") return { kind: "busy", retryAfterMs: Math.max(1, error.extra.retryAfter ?? 60) * 1000 };
    return { kind: "failed", code: error.code };
  }
}

/** Fills one series' missing recent days; true when D-1 is cached afterwards. */
async function syncSeries(
  env: Env,
  client: EnedisClient,
  token: string,
  pdl: UsagePointRow,
  kind: MeteringKind,
  publicKey: CryptoKey,
  nowMs: number,
  publishedThroughTarget: boolean,
): Promise<boolean> {
  const slot: SyncSlot = { env, userId: pdl.userId, usagePointId: pdl.usagePointId, kind, publicKey };
  const target = targetDay(nowMs);
  const present = await presentDays(slot, recentDays(nowMs));
  const missing = missingDays(nowMs, present, pdl.activationDate);
  if (missing.length === 0) return true;
  let hasTarget = present.has(target);
  for (const call of splitIntoCalls(missing, maxDaysPerCall(kind))) {
    let answer;
    try {
      answer = await client.meterReading(token, kind, pdl.usagePointId, call.start, call.end);
    } catch (error) {
      // "No data": once D-1 is known to be published (the daily series has it), this series simply has none (load curve
      // not activated) and that is remembered as the mirror does. Before, it may just be late: nothing is written, so a
      // read after a late publication never finds a remembered absence.
      if (error instanceof AppError && error.code === "NO_DATA") {
        if (publishedThroughTarget) await rememberNoData(slot, call.start, call.end, nowMs);
        continue;
      }
      if (error instanceof EnedisUpstreamError && error.upstreamCode === BEFORE_ACTIVATION) continue;
      throw error;
    }
    const now = new Date(nowMs);
    const complete = [...groupByDay(kind, answer, call)].filter(([day, d]) => missing.includes(day) && isCompleteDay(kind, day, d.readings));
    await writeDaysSealedToPublicKey(
      slot,
      complete.map(([day, value]) => ({ day, value, ttlSeconds: cacheTtlSeconds(isSettled(day, now)) })),
    );
    if (complete.some(([day]) => day === target)) hasTarget = true;
  }
  return hasTarget;
}

async function rememberNoData(slot: SyncSlot, start: string, end: string, nowMs: number) {
  const now = new Date(nowMs);
  await writeDaysSealedToPublicKey(slot, eachDay(start, end).map((day) => ({ day, value: { none: true }, ttlSeconds: noDataTtlSeconds(isSettled(day, now)) })));
}
