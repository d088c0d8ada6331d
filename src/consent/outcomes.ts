/**
 * What a consent attempt ends with, carried to the dashboard as `?consent=<outcome>` and shown there as a fixed
 * French message (pages/dashboard.tsx). Never more detail than these words: the URL is in the browser's history.
 */
export const CONSENT_FAILURES = [
  "refused", // the household said no on Enedis's page (error=access_denied)
  "invalid", // state forged or incomplete
  "used", // state already used
  "expired", // state older than 10 minutes
  "other_session", // state issued to another browser session or account
  // A PDL held by another account OR a PDL Enedis refused: one outcome, so the answer tells a stranger nothing
  // about which PDL numbers are customers here (SECURITY.md property 3).
  "not_attached",
  "enedis", // Enedis failed (down, unreadable answer, or an `error=` other than access_denied)
  "busy", // the gateway-wide Enedis budget is spent for now
  "no_pdl", // Enedis listed no PDL, even after asking again
  "malformed", // not the configured consent generation's answer, or incomplete
  "throttled", // too many consent attempts from this account or address
  "quota", // the account's daily no-cache quota is spent
] as const;

export type ConsentOutcome = (typeof CONSENT_FAILURES)[number];
