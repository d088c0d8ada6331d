import { eq } from "drizzle-orm";
import { getConfig } from "../config";
import { randomBytes, toBase64Url } from "../crypto/encoding";
import { keyRing, ringKeys } from "../crypto/key-ring";
import { constantTimeEqual, keyedHash } from "../crypto/keyed-hash";
import { db } from "../db/client";
import { consentStates } from "../db/schema";
import type { Env } from "../env";

/**
 * The consent `state` (SECURITY.md property 3): "<user id>.<nonce>.<mac>" — 82 characters, under Enedis's
 * 100. The MAC (HMAC-SHA-256 under APP_SECRET, truncated to 128 bits) makes it unforgeable; the nonce's D1
 * record makes it single-use (deleted with DELETE … RETURNING, atomic in D1), short-lived (10 minutes) and
 * bound to the browser session that asked for it. Not KV: KV is eventually consistent, a replay could win.
 */
export const STATE_TTL_MS = 10 * 60 * 1000;
/**
 * States issued through the API (`GET /api/oauth/authorize`) carry this marker instead of a session hash: the
 * callback then needs a dashboard session of the SAME account, whichever browser it is. Accepting any browser
 * would let someone send their own consent link to a victim and receive the victim's PDLs.
 */
export const API_BINDING = "api";

const mac = async (secret: string, userId: string, nonce: string) => (await keyedHash(secret, "consent-state", `${userId}.${nonce}`)).slice(0, 22);

export async function issueState(env: Env, userId: string, binding: string): Promise<string> {
  const nonce = toBase64Url(randomBytes(16));
  await db(env).insert(consentStates).values({ nonce, userId, sessionHash: binding, expiresAtMs: Date.now() + STATE_TTL_MS });
  return `${userId}.${nonce}.${await mac(getConfig(env).appSecret, userId, nonce)}`;
}

export type StateProblem = "invalid" | "used" | "expired" | "other_session";

/**
 * Consumes the state once. `session` is the current browser session (undefined without one).
 * Returns the user id, or why it is refused. Whatever the outcome, a known nonce is burnt.
 */
export async function consumeState(
  env: Env,
  state: string | undefined,
  session: { hash: string; userId: string } | undefined,
): Promise<{ userId: string } | { problem: StateProblem }> {
  const parts = (state ?? "").split(".");
  if (!state || state.length > 100 || parts.length !== 3) return { problem: "invalid" };
  const [userId, nonce, tag] = parts;
  // a state issued just before an APP_SECRET rotation carries the previous key's MAC: still good for its 10 minutes
  const macs = await Promise.all(ringKeys(keyRing(env)).map((secret) => mac(secret, userId, nonce)));
  if (!macs.some((m) => constantTimeEqual(tag, m))) return { problem: "invalid" };
  const record = await db(env).delete(consentStates).where(eq(consentStates.nonce, nonce)).returning().get();
  if (!record || record.userId !== userId) return { problem: "used" };
  if (record.expiresAtMs < Date.now()) return { problem: "expired" };
  const boundHere = record.sessionHash === API_BINDING ? session?.userId === userId : record.sessionHash === session?.hash;
  if (!boundHere) return { problem: "other_session" };
  return { userId };
}
