import type { Context } from "hono";
import { resolveAuthToken } from "../accounts/auth-tokens";
import { isAdminEmail } from "../accounts/credentials";
import type { AppEnv, Caller } from "../http/types";
import { readSessionCookie } from "../http/session-cookie";

/** The signed-in dashboard user (session cookie only — pages never take API keys), or null. */
export async function pageCaller(c: Context<AppEnv>): Promise<Caller | null> {
  const token = readSessionCookie(c);
  if (!token) return null;
  const hit = await resolveAuthToken(c.env, "session", token);
  if (!hit) return null;
  return {
    userId: hit.user.id,
    email: hit.user.email,
    clientId: hit.user.clientId,
    createdAt: hit.user.createdAt,
    isAdmin: isAdminEmail(c.env, hit.user.email),
    dataKey: hit.dataKey,
    via: "session",
    sessionHash: hit.tokenHash,
  };
}
