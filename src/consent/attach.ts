import { createEnedisClient } from "../enedis/client";
import { contractSummary } from "../enedis/contract-summary";
import { writeTokenRecord } from "../enedis/token-store";
import type { DiscoveredUsagePoint, EnedisToken } from "../enedis/types";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { holdersOf, upsertPdl } from "../pdl/store";
import { consentEndFrom } from "./authorize-url";

/** What Enedis sent back to /oauth/callback, already validated. */
export type ConsentAnswer = { version: "v1"; usagePointIds: string[] } | { version: "v2"; autorisationId: string };

export interface AttachResult {
  detected: number;
  created: number;
}

/**
 * PRODUCT.md step 6: Enedis token → every usage point of the consenting customer → each PDL in D1 with its
 * contract summary → one sealed token record per PDL. If any of them is held by another account, nothing is
 * attached (the v1 redirect's ids are not signed by Enedis, so they could be someone else's).
 */
export async function attachConsentedPdls(env: Env, userId: string, answer: ConsentAnswer): Promise<AttachResult> {
  const client = createEnedisClient(env);
  const token = await client.fetchToken();
  let points: DiscoveredUsagePoint[];
  let consentEnd = consentEndFrom(new Date());
  if (answer.version === "v1") {
    points = (await client.usagePointsForV1(token.accessToken, answer.usagePointIds)).usagePoints;
  } else {
    const found = await client.usagePointsForV2(token.accessToken, answer.autorisationId);
    points = found.usagePoints;
    if (found.consentEndsAt) consentEnd = found.consentEndsAt;
  }
  const ids = [...new Set(points.map((p) => p.usagePointId).filter((id) => /^\d{14}$/.test(id)))];
  if (ids.length === 0) throw new AppError(404, "NO_DATA", "Enedis n'a indiqué aucun point de livraison pour ce consentement.");

  const holders = await holdersOf(env, ids);
  if ([...holders.values()].some((holder) => holder !== userId)) {
    throw new AppError(409, "PDL_TAKEN", "Un point de livraison de ce consentement est rattaché à un autre compte.");
  }

  let created = 0;
  for (const id of ids) {
    const summary = await summaryOf(client, token, id);
    if (await upsertPdl(env, userId, id, { ...summary, consentExpiresAt: consentEnd })) created++;
    await writeTokenRecord(env, id, { accessToken: token.accessToken, expiresAtMs: token.expiresAtMs, consentExpiresAt: consentEnd });
  }
  return { detected: ids.length, created };
}

/** The contract summary kept in D1. A contract Enedis cannot give right now must not block the consent. */
async function summaryOf(client: ReturnType<typeof createEnedisClient>, token: EnedisToken, usagePointId: string) {
  try {
    return contractSummary(await client.customerData(token.accessToken, "contract", usagePointId));
  } catch (error) {
    if (error instanceof AppError && error.code === "ENEDIS_BUSY") throw error;
    return { subscribedPower: null, offpeakHours: null, hasConsumption: true, hasProduction: false };
  }
}
