import { createEnedisClient } from "../enedis/client";
import { contractSummary, type ContractSummary } from "../enedis/contract-summary";
import { createTransport } from "../enedis/transport";
import type { DiscoveredUsagePoint, EnedisClient } from "../enedis/types";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { holdersOf, upsertPdl } from "../pdl/store";
import type { ConsentAnswer } from "./answer";
import { consentEndFrom } from "./authorize-url";
import { meteredCall, meteredTransport } from "./metering";
import type { ConsentOutcome } from "./outcomes";

export type ConsentResult = { outcome: "success"; detected: number; created: number } | { outcome: ConsentOutcome };

/**
 * The gateway's Enedis access token for the consent's calls. One application token serves the whole gateway
 * (API.md): this is the one place the consent flow gets it, so its source can change here alone.
 */
async function applicationAccessToken(env: Env): Promise<string> {
  return (await createEnedisClient(env).fetchToken()).accessToken;
}

/** When the contract cannot be read (or the quota is spent): the PDL is attached all the same, summary unknown. */
const NO_SUMMARY: ContractSummary = { subscribedPower: null, offpeakHours: null, hasConsumption: true, hasProduction: false };

/**
 * PRODUCT.md step 6: every usage point of the consent (v2: subscribed_services; v1: the v5 list, or each id
 * confirmed on 2026) → each PDL in D1 with its contract summary and its own consent record. Enedis calls count
 * against the account's no-cache quota (one per discovery request, one per contract summary). If any PDL is held
 * by another account, or Enedis refuses any, nothing is attached and both say the same (`not_attached`).
 */
export async function attachConsentedPdls(env: Env, userId: string, answer: ConsentAnswer): Promise<ConsentResult> {
  let points: DiscoveredUsagePoint[];
  let token: string;
  try {
    token = await applicationAccessToken(env);
    const client = createEnedisClient(env, meteredTransport(env, userId, createTransport(env)));
    points =
      answer.version === "v1"
        ? (await client.usagePointsForV1(token, answer.usagePointIds)).usagePoints
        : (await client.usagePointsForV2(token, answer.autorisationId)).usagePoints;
  } catch (error) {
    return { outcome: failureOf(error) };
  }
  const found = new Map(points.filter((p) => /^\d{14}$/.test(p.usagePointId)).map((p) => [p.usagePointId, p]));
  if (found.size === 0) return { outcome: "no_pdl" };

  const holders = await holdersOf(env, [...found.keys()]);
  if ([...holders.values()].some((holder) => holder !== userId)) return { outcome: "not_attached" };

  // Every summary first, so that a refusal half-way (gateway budget spent) attaches nothing rather than a part.
  const records = [];
  try {
    const client = createEnedisClient(env);
    // v1 gives no end date (nor a v2 service without dateFin): the 36 months the gateway asked for.
    const askedEnd = consentEndFrom(new Date());
    for (const point of found.values()) {
      const summary = await summaryOf(env, userId, client, token, point.usagePointId);
      records.push({ id: point.usagePointId, summary, consentExpiresAt: point.consentExpiresAt ?? askedEnd, consentStatus: point.consentStatus ?? null });
    }
  } catch (error) {
    return { outcome: failureOf(error) };
  }

  let created = 0;
  for (const r of records) {
    try {
      if (await upsertPdl(env, userId, r.id, { ...r.summary, consentExpiresAt: r.consentExpiresAt, consentStatus: r.consentStatus })) created++;
    } catch (error) {
      // Attached to another account between the check above and now: never moved.
      if (error instanceof AppError && error.code === "PDL_TAKEN") return { outcome: "not_attached" };
      throw error;
    }
  }
  return { outcome: "success", detected: records.length, created };
}

/** The contract summary kept in D1, one no-cache request. A contract Enedis cannot give now must not block the consent. */
async function summaryOf(env: Env, userId: string, client: EnedisClient, token: string, usagePointId: string): Promise<ContractSummary> {
  try {
    return contractSummary(await meteredCall(env, userId, () => client.customerData(token, "contract", usagePointId)));
  } catch (error) {
    if (error instanceof AppError && error.code === "ENEDIS_BUSY") throw error;
    return NO_SUMMARY; // quota spent, contract refused or Enedis down: attached without its summary
  }
}

/** Which outcome an Enedis or quota failure during discovery gives. */
function failureOf(error: unknown): ConsentOutcome {
  if (!(error instanceof AppError)) throw error;
  console.warn(JSON.stringify({ event: "consent_callback_failed", code: error.code }));
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
