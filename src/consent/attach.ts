import { withApplicationToken } from "../enedis/app-token";
import { emitEvent } from "../observability/events";
import { createEnedisClient } from "../enedis/client";
import { contractSummary, type ContractSummary } from "../enedis/contract-summary";
import { OFFPEAK_UNAVAILABLE, offpeakMissing } from "../enedis/offpeak-note";
import { createTransport } from "../enedis/transport";
import type { DiscoveredUsagePoint, EnedisClient } from "../enedis/types";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { holdersOf, upsertPdl } from "../pdl/store";
import { scheduleSync } from "../sync/scheduler";
import { markSyncSoon } from "../sync/store";
import type { ConsentAnswer } from "./answer";
import { consentEndFrom } from "./authorize-url";
import { meteredCall, meteredTransport } from "./metering";
import type { ConsentOutcome } from "./outcomes";

export type ConsentResult = { outcome: "success"; detected: number; created: number } | { outcome: ConsentOutcome };

/**
 * A PDL's contract summary — null when the contract cannot be read now (quota spent, Enedis busy or down): the PDL
 * is attached all the same, and a PDL already known keeps what it had —, what it could not learn (last_error), and
 * whether Enedis's budget refused the call.
 */
type Summarised = { summary: ContractSummary | null; lastError: string | null; busy: boolean };

/**
 * PRODUCT.md step 6: every usage point of the consent (v2: subscribed_services; v1: the v5 list, or each id
 * confirmed on 2026) → each PDL in D1 with its contract summary and its own consent record. Enedis calls count
 * against the account's no-cache quota (one per discovery request, one per contract summary). If any PDL is held
 * by another account, or Enedis refuses any, nothing is attached and both say the same (`not_attached`).
 */
export async function attachConsentedPdls(env: Env, userId: string, answer: ConsentAnswer): Promise<ConsentResult> {
  let points: DiscoveredUsagePoint[];
  let token = "";
  try {
    // The gateway's one application token (API.md): after an Enedis 401, one new token and one retry.
    const client = createEnedisClient(env, meteredTransport(env, userId, createTransport(env)));
    points = await withApplicationToken(env, async (accessToken) => {
      token = accessToken;
      return answer.version === "v1"
        ? (await client.usagePointsForV1(accessToken, answer.usagePointIds)).usagePoints
        : (await client.usagePointsForV2(accessToken, answer.autorisationId)).usagePoints;
    });
  } catch (error) {
    const outcome = failureOf(error);
    await emitEvent(env, "consent_callback_failed", { code: (error as AppError).code });
    return { outcome };
  }
  const found = new Map(points.filter((p) => /^\d{14}$/.test(p.usagePointId)).map((p) => [p.usagePointId, p]));
  if (found.size === 0) return notAttached(env, "no_pdl");

  const holders = await holdersOf(env, [...found.keys()]);
  if ([...holders.values()].some((holder) => holder !== userId)) return notAttached(env, "not_attached");

  // Contract summaries are a nicety: when Enedis's budget is busy (a 12-PRM consent is ~40 calls), the rest of the
  // PDLs are attached without theirs — the mirror fills them at the first contract read — rather than none at all.
  const records = [];
  const client = createEnedisClient(env);
  // v1 gives no end date (nor a v2 service without dateFin): the 36 months the gateway asked for.
  const askedEnd = consentEndFrom(new Date()).slice(0, 10); // YYYY-MM-DD, like Enedis's dateFin
  let budgetBusy = false;
  for (const point of found.values()) {
    const { summary, lastError, busy }: Summarised = budgetBusy ? { summary: null, lastError: null, busy: true } : await summaryOf(env, userId, client, token, point.usagePointId);
    budgetBusy = busy;
    records.push({ id: point.usagePointId, summary, lastError, consentExpiresAt: point.consentExpiresAt ?? askedEnd, consentStatus: point.consentStatus ?? null });
  }

  let created = 0;
  for (const r of records) {
    try {
      if (await upsertPdl(env, userId, r.id, r)) created++;
    } catch (error) {
      // Attached to another account between the check above and now: never moved.
      if (error instanceof AppError && error.code === "PDL_TAKEN") return notAttached(env, "not_attached");
      throw error;
    }
  }
  // Background sync fetches the recent days of each consented PDL within a minute, so its first reads are hits.
  const ids = records.map((r) => r.id);
  await markSyncSoon(env, userId, ids, Date.now());
  await scheduleSync(env, ids);
  await emitEvent(env, "consent_attached", { pdls: records.length, created });
  return { outcome: "success", detected: records.length, created };
}

/**
 * The contract summary kept in D1, one no-cache request. A contract Enedis cannot give now must not block the
 * consent; off-peak hours nobody could read are recorded as the PDL's last error rather than silently absent.
 */
async function summaryOf(
  env: Env,
  userId: string,
  client: EnedisClient,
  token: string,
  usagePointId: string,
): Promise<Summarised> {
  try {
    const contract = await meteredCall(env, userId, () => client.customerData(token, "contract", usagePointId));
    return { summary: contractSummary(contract), lastError: offpeakMissing(contract) ? OFFPEAK_UNAVAILABLE : null, busy: false };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // quota spent, contract refused, Enedis down or busy: attached without its summary
    return { summary: null, lastError: null, busy: error.code === "ENEDIS_BUSY" };
  }
}

/** A consent that attached nothing, told as one event (the outcome only: no PDL number, no account). */
async function notAttached(env: Env, outcome: "no_pdl" | "not_attached"): Promise<ConsentResult> {
  await emitEvent(env, "consent_not_attached", { outcome });
  return { outcome };
}

/** Which outcome an Enedis or quota failure during discovery gives. */
function failureOf(error: unknown): ConsentOutcome {
  if (!(error instanceof AppError)) throw error;
  switch (error.code) {
    case "QUOTA_EXCEEDED":
      return "quota";
    case "ENEDIS_BUSY":
      return "busy";
    // Enedis refused the consent or a PRM of it (no consent, not the holder, unknown PRM).
    case "CONSENT_REQUIRED":
    case "NOT_OWNER":
    case "NO_DATA":
      return "not_attached";
    case "INVALID_USAGE_POINT_ID":
    case "VALIDATION_ERROR":
      return "malformed";
    default:
      return "enedis";
  }
}
