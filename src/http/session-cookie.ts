import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { SESSION_TTL_SECONDS } from "../accounts/auth-tokens";

/**
 * Over HTTPS (production) the cookie is `__Host-lg_session` (Secure, Path=/, no Domain); plain-HTTP local
 * development cannot set Secure cookies, so it is plain `lg_session` there. Both HttpOnly and SameSite=Lax.
 */
const NAME = "lg_session";
const isHttps = (c: Context) => new URL(c.req.url).protocol === "https:";

export const readSessionCookie = (c: Context) => (isHttps(c) ? getCookie(c, NAME, "host") : getCookie(c, NAME));

export function writeSessionCookie(c: Context, token: string) {
  const https = isHttps(c);
  setCookie(c, NAME, token, {
    httpOnly: true,
    secure: https,
    sameSite: "Lax",
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
    ...(https ? { prefix: "host" as const } : {}),
  });
}

export function clearSessionCookie(c: Context) {
  const https = isHttps(c);
  deleteCookie(c, NAME, { path: "/", secure: https, ...(https ? { prefix: "host" as const } : {}) });
}
