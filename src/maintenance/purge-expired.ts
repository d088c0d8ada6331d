import { lt } from "drizzle-orm";
import { db } from "../db/client";
import { attemptCounters, authTokens, consentStates } from "../db/schema";
import type { Env } from "../env";

/** Throttle windows older than this can no longer refuse anything (their window is 15 minutes). */
const ATTEMPT_WINDOW_KEEP_MS = 60 * 60 * 1000;

/**
 * Daily cron (wrangler.toml [triggers]): expired sessions, access tokens and consent states are already
 * refused on use; this removes their rows — and their wrapped copies of data keys — for good.
 */
export async function purgeExpired(env: Env, nowMs = Date.now()) {
  const d = db(env);
  const [tokens, states, attempts] = await Promise.all([
    d.delete(authTokens).where(lt(authTokens.expiresAtMs, nowMs)).returning({ h: authTokens.tokenHash }),
    d.delete(consentStates).where(lt(consentStates.expiresAtMs, nowMs)).returning({ n: consentStates.nonce }),
    d.delete(attemptCounters).where(lt(attemptCounters.windowStartMs, nowMs - ATTEMPT_WINDOW_KEEP_MS)).returning({ k: attemptCounters.key }),
  ]);
  return { authTokens: tokens.length, consentStates: states.length, attemptCounters: attempts.length };
}
