import { getConfig } from "../config";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import type { QuotaKind, QuotaResult, QuotaUsage } from "./account-gate";

export type { QuotaKind, QuotaResult, QuotaUsage } from "./account-gate";

const gate = (env: Env, userId: string) => env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(userId));

/** The headers API.md puts on every mirror answer, for the quota the request counted against. */
export function rateLimitHeaders(result: QuotaResult): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(result.remaining),
    "X-RateLimit-Reset": String(result.resetAtSec),
  };
}

/**
 * Counts one request against the account's daily quota of `kind` ("no_cache": it needed Enedis; "cached": served
 * from cache). Throws 429 QUOTA_EXCEEDED (Retry-After until midnight UTC, X-RateLimit-* headers) when used up.
 */
export async function countRequest(env: Env, userId: string, kind: QuotaKind): Promise<QuotaResult> {
  const config = getConfig(env);
  const nowMs = Date.now();
  const result = await gate(env, userId).count(kind, { noCache: config.dailyLimitNoCache, withCache: config.dailyLimitWithCache }, nowMs);
  if (!result.allowed) {
    const what = kind === "cached" ? "requêtes servies depuis le cache" : "requêtes vers Enedis";
    throw new AppError(429, "QUOTA_EXCEEDED", `Quota quotidien de ${result.limit} ${what} atteint ; il repart à zéro à minuit UTC.`, {
      retryAfter: result.resetAtSec - Math.floor(nowMs / 1000),
      headers: rateLimitHeaders(result),
    });
  }
  return result;
}

/** Gives back a request counted by `countRequest` when the Enedis budget refused it and nothing was served. */
export async function refundRequest(env: Env, userId: string, kind: QuotaKind): Promise<void> {
  await gate(env, userId).refund(kind, Date.now());
}

/** Today's counters (dashboard, usage-stats, admin user list). */
export async function usageFor(env: Env, userId: string): Promise<QuotaUsage> {
  return gate(env, userId).usage(Date.now());
}

/** Administrator action: the account's counters start again from zero. */
export async function resetQuotaFor(env: Env, userId: string): Promise<void> {
  await gate(env, userId).resetQuota();
}

/** Account deletion: wipes the account's Durable Object storage (quota counters). */
export async function destroyAccountGate(env: Env, userId: string): Promise<void> {
  await gate(env, userId).destroy();
}
