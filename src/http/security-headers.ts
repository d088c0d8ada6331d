import type { Context } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { getConfig } from "../config";

/** The consent button's form is answered by a redirect to Enedis's page: the only other origin a form may reach. */
const consentPageOrigin = (c: Context) => new URL(getConfig(c.env).authorizeUrl).origin;

/** Security headers on every answer (SECURITY.md property 5): no inline scripts, no framing, no sniffing. */
export const securityHeaders = secureHeaders({
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
  crossOriginResourcePolicy: "same-origin",
});
