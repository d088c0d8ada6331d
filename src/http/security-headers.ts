import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { getConfig } from "../config";

/** The consent button's form is answered by a redirect to Enedis's page: the only other origin a form may reach. */
const consentPageOrigin = (c: Context) => new URL(getConfig(c.env).authorizeUrl).origin;

/** Security headers on every answer (SECURITY.md property 5): no inline scripts, no framing, no sniffing. */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    formAction: ["'self'", consentPageOrigin],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  referrerPolicy: "same-origin",
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  crossOriginResourcePolicy: false, // set below, unless a route chose its own
});

/**
 * Every answer is same-origin only (Cross-Origin-Resource-Policy), except where a route says otherwise: the Conso API
 * routes are read cross-origin by design (browser tools such as MagicMirror's), and set `cross-origin` themselves.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await pageHeaders(c, next);
  if (!c.res.headers.has("Cross-Origin-Resource-Policy")) c.res.headers.set("Cross-Origin-Resource-Policy", "same-origin");
};
