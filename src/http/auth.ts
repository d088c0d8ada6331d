import type { Context, MiddlewareHandler } from "hono";
import { looksLike, resolveAuthToken } from "../accounts/auth-tokens";
import { authenticateClient, isAdminClient, type UserRow } from "../accounts/credentials";
import type { UsagePointRow } from "../pdl/store";
import { ensureAccountKeyPair } from "../accounts/key-pair";
import { AppError } from "./errors";
import { readSessionCookie } from "./session-cookie";
import type { AppEnv, Caller } from "./types";

/**
 * Who is calling, four ways (API.md): Bearer client_secret, Bearer access token, Basic client_id:client_secret,
 * or the dashboard session cookie. Each way also yields the account's data key, unwrapped with a key derived
 * from the presented credential — the only way the cache can be read.
 */
export async function identify(c: Context<AppEnv>, withPdl?: string): Promise<Caller | null> {
  const header = c.req.header("Authorization");
  if (header) {
    const [scheme, value = ""] = header.split(/\s+/, 2);
    if (/^bearer$/i.test(scheme)) {
      const token = value.trim();
      if (looksLike("access_token", token)) {
        const hit = await resolveAuthToken(c.env, "access_token", token, Date.now(), withPdl);
        return hit ? await toCaller(c, hit, "access_token", withPdl) : null;
      }
      const hit = await authenticateClient(c.env, token, undefined, withPdl);
      return hit ? await toCaller(c, hit, "client_secret", withPdl) : null;
    }
    if (/^basic$/i.test(scheme)) {
      const pair = decodeBasic(value);
      if (!pair) return null;
      const hit = await authenticateClient(c.env, pair.secret, pair.id, withPdl);
      return hit ? await toCaller(c, hit, "basic", withPdl) : null;
    }
    return null;
  }
  return sessionCaller(c, withPdl);
}

/** The dashboard session cookie's caller, or null. Pages use only this (they never take API keys). */
export async function sessionCaller(c: Context<AppEnv>, withPdl?: string): Promise<Caller | null> {
  const session = readSessionCookie(c);
  if (!session) return null;
  const hit = await resolveAuthToken(c.env, "session", session, Date.now(), withPdl);
  return hit ? { ...(await toCaller(c, hit, "session", withPdl)), sessionHash: hit.tokenHash } : null;
}

export function decodeBasic(value: string): { id: string; secret: string } | null {
  try {
    const text = atob(value.trim());
    const i = text.indexOf(":");
    if (i < 0) return null;
    return { id: decodeURIComponent(text.slice(0, i)), secret: decodeURIComponent(text.slice(i + 1)) };
  } catch {
    return null;
  }
}

interface Hit {
  user: UserRow;
  dataKey: CryptoKey;
  pdl: UsagePointRow | null;
}

async function toCaller(c: Context<AppEnv>, hit: Hit, via: Caller["via"], withPdl: string | undefined): Promise<Caller> {
  const { user, dataKey } = hit;
  await ensureAccountKeyPair(c.env, user, dataKey); // accounts older than background sync: their key pair, once
  return {
    userId: user.id,
    email: user.email,
    clientId: user.clientId,
    createdAt: user.createdAt,
    isAdmin: isAdminClient(c.env, user.clientId),
    dataKey,
    via,
    ...(withPdl ? { pdl: { usagePointId: withPdl, row: hit.pdl } } : {}),
    ...(user.publicKey ? { keyPair: { publicKey: user.publicKey, privateKeySealed: user.privateKeySealed } } : {}),
  };
}

/**
 * A state-changing request authenticated by the cookie must come from our own pages (CSRF, SECURITY.md 5):
 * same Origin, or Sec-Fetch-Site same-origin. Bearer/Basic callers are not exposed to CSRF.
 */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header("Origin");
  if (origin) return origin === new URL(c.req.url).origin;
  return c.req.header("Sec-Fetch-Site") === "same-origin";
}

export const requireAuth: MiddlewareHandler<AppEnv> = (c, next) => authenticate(c, next);

/** The PDL a data route names: its path's last segment, when it is a PDL number (validated again by the route). */
const PDL_AT_END = /\/(\d{14})$/;

/**
 * requireAuth for routes whose path ends with a PDL number: the credential and the PDL (joined on the account) come
 * from one D1 query; the route still checks ownership, from what that query answered.
 */
export const requireAuthWithPdl: MiddlewareHandler<AppEnv> = (c, next) => authenticate(c, next, PDL_AT_END.exec(c.req.path)?.[1]);

async function authenticate(c: Context<AppEnv>, next: () => Promise<void>, withPdl?: string) {
  const caller = await identify(c, withPdl);
  if (!caller) throw new AppError(401, "UNAUTHORIZED", "Identifiants absents ou invalides.", { headers: { "WWW-Authenticate": 'Bearer realm="linky-gateway"' } });
  if (caller.via === "session" && !["GET", "HEAD", "OPTIONS"].includes(c.req.method) && !sameOrigin(c)) {
    throw new AppError(403, "CSRF_FAILED", "Requête refusée : elle ne vient pas de ce site (CSRF).");
  }
  c.set("caller", caller);
  await next();
}

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get("caller").isAdmin) throw new AppError(403, "FORBIDDEN", "Réservé aux administrateurs.");
  await next();
};
