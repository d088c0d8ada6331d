/** The consent line of a PDL: valid until when, or to renew; and its last Enedis error in plain French. */
export interface ConsentState {
  valid: boolean;
  /** YYYY-MM-DD the consent ends, when known */
  until: string | null;
}

/** Same rule as /api/pdl/{id}/status: an end date in the future, and Enedis has not refused this PDL since. */
export function consentState(pdl: { consentExpiresAt: string | null; lastError: string | null }, now: Date): ConsentState {
  const expires = pdl.consentExpiresAt;
  const valid = !!expires && Date.parse(expires) > now.getTime() && pdl.lastError !== "CONSENT_REQUIRED" && pdl.lastError !== "NOT_OWNER";
  return { valid, until: expires ? expires.slice(0, 10) : null };
}

const LAST_ERRORS: Record<string, string> = {
  CONSENT_REQUIRED: "Enedis indique que le consentement est absent, révoqué ou expiré : renouvelez-le.",
  NOT_OWNER: "Enedis indique que ce point de livraison n'est plus à votre nom (déménagement ?).",
  ENEDIS_UNAVAILABLE: "Enedis n'a pas répondu lors de la dernière lecture ; les données en cache restent disponibles.",
  OFFPEAK_UNAVAILABLE: "Enedis n'a pas pu donner vos heures creuses : la part en heures creuses ne peut pas être calculée.",
};

/** French text for usage_points.last_error; an unknown code still says something rather than nothing. */
export function lastErrorText(code: string | null): string | null {
  if (!code) return null;
  return LAST_ERRORS[code] ?? "La dernière lecture chez Enedis a échoué ; réessayez plus tard.";
}
