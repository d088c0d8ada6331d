/**
 * Who may read a usage point: a live consent of this application covering it (else 403 ADAM-DC-0008),
 * given by a household that still holds it (else 403 ADAM-DC-0007).
 */
import { liveConsentFor } from "./consents";
import { type EnedisFailure, type Generation, noConsent, notHolder } from "./errors";
import { findUsagePoint, type SimulatedHousehold, type SimulatedUsagePoint } from "./households";
import type { Env } from "../env";

export type Access = { ok: true; household: SimulatedHousehold; point: SimulatedUsagePoint } | { ok: false; failure: EnedisFailure };

export async function checkAccess(env: Env, gen: Generation, clientId: string, usagePointId: string, nowMs: number): Promise<Access> {
  const found = findUsagePoint(usagePointId);
  // An unknown point can have no consent: Enedis answers the same as for a known one without consent.
  if (!found) return { ok: false, failure: noConsent(gen) };
  const consent = await liveConsentFor(env, clientId, usagePointId, new Date(nowMs));
  if (!consent) return { ok: false, failure: noConsent(gen) };
  if (found.household.movedOut) return { ok: false, failure: notHolder(gen) };
  return { ok: true, ...found };
}
