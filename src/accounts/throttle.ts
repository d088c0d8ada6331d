import { sql } from "drizzle-orm";
import { getConfig } from "../config";
import { keyedHash } from "../crypto/keyed-hash";
import { db } from "../db/client";
import { attemptCounters } from "../db/schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";

/**
 * Login, signup and password-use throttling (SECURITY.md property 6), fixed 15-minute windows in D1.
 * Login (and recovery, which shares its counters) is limited tightly per (email, IP) pair, loosely per email and
 * per IP: a stranger hammering someone's address from one IP exhausts only their own pair, not the owner's login.
 * Password checks behind authentication (change, account deletion) are limited per account and per IP, so a
 * leaked API key cannot be used to guess the password.
 * One UPSERT … RETURNING per key: D1 runs it atomically, so parallel attempts cannot slip through.
 * Keys are keyed hashes: the table reveals neither addresses nor emails.
 */
const WINDOW_MS = 15 * 60 * 1000;
const CREDENTIAL_LIMITS = { "login-pair": 10, "password-account": 10, "password-ip": 30 } as const;
// POST /consent and GET /oauth/callback both count: 20 is ten complete consents per account.
const CONSENT_LIMITS = { "consent-account": 20, "consent-ip": 60 } as const;
const LIMITS = { "login-ip": 30, "login-email": 100, "signup-ip": 10, "signup-email": 10, ...CREDENTIAL_LIMITS, ...CONSENT_LIMITS } as const;
type Scope = keyof typeof LIMITS;

async function hit(env: Env, scope: Scope, subject: string, nowMs: number) {
  const key = `${scope}:${await keyedHash(getConfig(env).appSecret, "throttle", subject)}`;
  const windowFloor = nowMs - WINDOW_MS;
  const row = await db(env)
    .insert(attemptCounters)
    .values({ key, windowStartMs: nowMs, count: 1 })
    .onConflictDoUpdate({
      target: attemptCounters.key,
      set: {
        count: sql`CASE WHEN ${attemptCounters.windowStartMs} <= ${windowFloor} THEN 1 ELSE ${attemptCounters.count} + 1 END`,
        windowStartMs: sql`CASE WHEN ${attemptCounters.windowStartMs} <= ${windowFloor} THEN ${nowMs} ELSE ${attemptCounters.windowStartMs} END`,
      },
    })
    .returning()
    .get();
  if (row.count > LIMITS[scope]) {
    const retryAfter = Math.ceil((row.windowStartMs + WINDOW_MS - nowMs) / 1000);
    throw new AppError(429, "TOO_MANY_ATTEMPTS", "Trop de tentatives ; réessayez dans quelques minutes.", { retryAfter });
  }
}

export const clientIp = (req: Request) => req.headers.get("CF-Connecting-IP") ?? "local";

/**
 * Login (page and API) and password recovery: per IP first, then per (email, IP) pair, then per email. The order
 * matters: an address over its limit is refused before it counts against anyone's email, so a few addresses cannot
 * push any number of emails past their (looser) limit and lock their owners out; and tries the pair limit refused
 * do not count against the email either.
 */
export async function throttleLogin(env: Env, ip: string, email: string) {
  const now = Date.now();
  const normalized = email.trim().toLowerCase();
  await hit(env, "login-ip", ip, now);
  await hit(env, "login-pair", `${normalized}\u0000${ip}`, now);
  await hit(env, "login-email", normalized, now);
}

/** A password check by an authenticated caller (password change, account deletion): per account and per IP. */
export async function throttlePasswordCheck(env: Env, ip: string, userId: string) {
  const now = Date.now();
  await hit(env, "password-account", userId, now);
  await hit(env, "password-ip", ip, now);
}

/** Per email too: otherwise "does this address have an account?" (409) could be asked from many IPs. */
export async function throttleSignup(env: Env, ip: string, email: string) {
  const now = Date.now();
  await hit(env, "signup-ip", ip, now);
  await hit(env, "signup-email", email.trim().toLowerCase(), now);
}

/**
 * POST /consent and GET /oauth/callback (SECURITY.md property 3): a callback calls Enedis, so it is throttled per
 * IP and, when the caller is known (dashboard session), per account.
 */
export async function throttleConsent(env: Env, ip: string, userId: string | undefined) {
  const now = Date.now();
  await hit(env, "consent-ip", ip, now);
  if (userId) await hit(env, "consent-account", userId, now);
}
