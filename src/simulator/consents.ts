/**
 * Consents given on the simulated consent pages (D1 `simulator_consents`). A consent is live while
 * not revoked and not expired; every data call needs a live consent covering its usage point.
 */
import { and, eq, gt, like } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { simulatorConsents } from "../db/schema";
import type { Env } from "../env";

export type ConsentRow = typeof simulatorConsents.$inferSelect;

const db = (env: Env) => drizzle(env.DB);

/** v1 `code`: opaque, like Enedis's. */
export const newConsentCode = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");

const encoder = new TextEncoder();

/**
 * v2 `autorisation_id`: Enedis gives one holder the same id for one application, consent after consent.
 * Derived from HMAC-SHA-256(APP_SECRET, purpose|client_id|household): stable, yet not guessable from the
 * household's name. 12 digits, no leading zero: an int64 in the swagger, and still exact as a JSON number.
 */
export async function autorisationIdFor(appSecret: string, clientId: string, householdId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(appSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`linky-gateway/simulator/autorisation-id|${clientId}|${householdId}`)));
  const n = mac.slice(0, 8).reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return String(100_000_000_000n + (n % 900_000_000_000n));
}

/**
 * Records a consent. A v2 consent given again by the same household keeps its `autorisation_id`: the row is
 * renewed (new dates, its points, no longer revoked) rather than duplicated.
 */
export async function recordConsent(
  env: Env,
  consent: { id: string; clientId: string; householdId: string; usagePointIds: string[]; createdAt: Date; expiresAt: Date },
): Promise<void> {
  const fields = {
    clientId: consent.clientId,
    householdId: consent.householdId,
    usagePointIds: consent.usagePointIds.join(","),
    createdAt: consent.createdAt.toISOString(),
    expiresAt: consent.expiresAt.toISOString(),
    revoked: false,
  };
  await db(env)
    .insert(simulatorConsents)
    .values({ id: consent.id, ...fields })
    .onConflictDoUpdate({ target: simulatorConsents.id, set: fields });
}

const covers = (row: ConsentRow, usagePointId: string) => row.usagePointIds.split(",").includes(usagePointId);

/** The most recent live consent of `clientId` covering that usage point. */
export async function liveConsentFor(env: Env, clientId: string, usagePointId: string, now: Date): Promise<ConsentRow | undefined> {
  const rows = await db(env)
    .select()
    .from(simulatorConsents)
    .where(
      and(
        eq(simulatorConsents.clientId, clientId),
        eq(simulatorConsents.revoked, false),
        gt(simulatorConsents.expiresAt, now.toISOString()),
        like(simulatorConsents.usagePointIds, `%${usagePointId}%`),
      ),
    );
  return rows.filter((r) => covers(r, usagePointId)).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** A consent of `clientId` by its id (the v1 `code` or v2 `autorisation_id`), live or not. */
export async function findConsent(env: Env, clientId: string, id: string): Promise<ConsentRow | undefined> {
  const [row] = await db(env)
    .select()
    .from(simulatorConsents)
    .where(and(eq(simulatorConsents.id, id), eq(simulatorConsents.clientId, clientId)));
  return row;
}

/** Revokes every consent covering that usage point (the household withdrew it on Enedis's site). Returns how many. */
export async function revokeConsentsFor(env: Env, usagePointId: string): Promise<number> {
  const rows = await db(env)
    .select()
    .from(simulatorConsents)
    .where(and(eq(simulatorConsents.revoked, false), like(simulatorConsents.usagePointIds, `%${usagePointId}%`)));
  const ids = rows.filter((r) => covers(r, usagePointId)).map((r) => r.id);
  for (const id of ids) await db(env).update(simulatorConsents).set({ revoked: true }).where(eq(simulatorConsents.id, id));
  return ids.length;
}
