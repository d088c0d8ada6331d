/**
 * Enedis's error answers, one builder per failure, for both generations: v5 answers
 * `{error, error_description, error_uri}`, the 2026 gateway `{code, message}` (WSO2 errors add
 * `description`, throttling adds `nextAccessTime`). Texts are Enedis's own (swagger enums) so a
 * client tested against the simulator meets what production sends.
 */

export type Generation = "v5" | "2026";

export interface EnedisFailure {
  status: 400 | 401 | 403 | 404 | 415 | 429 | 500 | 503;
  body: Record<string, string>;
}

const v5 = (status: EnedisFailure["status"], error: string, description: string): EnedisFailure => ({
  status,
  body: { error, error_description: description, error_uri: "" },
});
const g26 = (status: EnedisFailure["status"], code: string, message: string, extra: Record<string, string> = {}): EnedisFailure => ({
  status,
  body: { code, message, ...extra },
});

/** 400: a parameter is missing or malformed (v5), or semantically wrong (both). */
export const invalidRequest = (gen: Generation, description: string, french: string) =>
  gen === "v5" ? v5(400, "invalid_request", description) : g26(400, "invalid_request", french);

/** 500 for a 2026 request that does not match the swagger (missing parameter, PRM in the query…). */
export const swaggerMismatch = () => g26(500, "500", "Problème technique dans l'interrogation du SI coeur");

export const loadCurveTooLong = (gen: Generation) =>
  gen === "v5"
    ? v5(400, "ADAM-DC-0015", "The requested period must be less than 7 days for an access to the load curve")
    : g26(400, "ADAM-ERR0126", "La période demandée doit être inférieure à 7 jours pour un accès à la courbe de charge");

export const beforeHistoryLimit = (gen: Generation) =>
  gen === "v5"
    ? v5(400, "ADAM-DC-0016", "The start date must be greater than the history deadline")
    : g26(400, "ADAM-ERR0125", "La date de début doit être postérieure à la date limite d'historique");

export const beforeActivation = (gen: Generation) =>
  gen === "v5"
    ? v5(400, "ADAM-ERR0123", "The requested period cannot be anterior to the meter's last activation date")
    : g26(400, "ADAM-ERR0123", "La période demandée ne peut pas être antérieure à la date de dernière mise en service du compteur");

export const wrongDirection = (gen: Generation, asked: "consumption" | "production") => {
  const en = asked === "consumption" ? "The usage point is not a consumption point" : "The usage point is not a production point";
  const fr = asked === "consumption" ? "Le point n'est pas un point de soutirage" : "Le point n'est pas un point d'injection";
  return gen === "v5" ? v5(400, "ADAM-ERR0069", en) : g26(400, "ADAM-ERR0069", fr);
};

export const noConsent = (gen: Generation) =>
  gen === "v5"
    ? v5(403, "ADAM-DC-0008", "No consent can be found for this customer and this usage point.")
    : g26(403, "ADAM-DC-0008", "Le client n'est pas autorisé pour le point demandé");

export const notHolder = (gen: Generation) =>
  gen === "v5"
    ? v5(403, "ADAM-DC-0007", "The seeker is not recognized as the actual meter holder")
    : g26(403, "ADAM-DC-0007", "Le client n'est pas titulaire du point demandé");

export const noDataFound = (gen: Generation) =>
  gen === "v5" ? v5(404, "no_data_found", "no measure found for this usage point") : g26(404, "no_data_found", "Pas de mesure trouvée pour ce point");

export const unauthorized = (gen: Generation) =>
  gen === "v5"
    ? v5(401, "Unauthorized", "Invalid Credentials. Make sure you have provided the correct security credentials")
    : g26(401, "900901", "Invalid Credentials", { description: "Invalid Credentials. Make sure you have provided the correct security credentials" });

export const technicalError = (gen: Generation) =>
  gen === "v5" ? v5(500, "ADAM-DC-0500", "Technical error, please retry later") : g26(500, "500", "Problème technique dans l'interrogation du SI coeur");

/**
 * 500 `technical_error`: what real production PRMs answer for hours or days (`/_control/technical-error`),
 * unlike the one-off 500 of a queued fault.
 */
export const lastingTechnicalError = (gen: Generation) =>
  gen === "v5" ? v5(500, "technical_error", "Technical error, the request could not be processed") : g26(500, "technical_error", "Erreur technique");

/** 403 from WSO2 when the application has no subscription to that API (body as fixtures/enedis_2026/erreur_comptage_non_souscrit.json). */
export const apiNotSubscribed = (): EnedisFailure =>
  g26(403, "900908", "Resource forbidden ", { description: "User is NOT authorized to access the Resource. API Subscription validation failed." });

export const serviceUnavailable = (gen: Generation) =>
  gen === "v5" ? v5(503, "Service Unavailable", "The service is temporarily unavailable, please retry later") : g26(503, "503", "Service indisponible");

/** WSO2's way of writing an instant: "2026-Sep-12 20:00:00+0000 UTC". */
export function wso2Time(ms: number): string {
  const d = new Date(ms);
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const iso = d.toISOString();
  return `${iso.slice(0, 4)}-${month}-${iso.slice(8, 10)} ${iso.slice(11, 19)}+0000 UTC`;
}

/** 429. `window` tells the 5-per-second burst (Q3) from the hourly cap (Q4 / 1000 per API). */
export function throttled(gen: Generation, window: "second" | "hour", retryAtMs: number): EnedisFailure {
  const when = wso2Time(retryAtMs);
  if (gen === "v5") {
    return window === "second"
      ? v5(429, "Quota Q3 reached", `Too many requests: at most 5 calls per second. Calls are allowed again after ${when}`)
      : v5(429, "Quota Q4 reached", `Too many requests: hourly quota exceeded. Calls are allowed again after ${when}`);
  }
  return g26(429, window === "second" ? "900807" : "900804", "Message throttled out", {
    description: `You have exceeded your quota. You can access API after ${when}`,
    nextAccessTime: when,
  });
}

/** Token endpoint errors (RFC 6749 texts from the token swagger). */
export const tokenErrors = {
  invalidClient: {
    status: 401,
    body: { error: "invalid_client", error_description: "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method)" },
  },
  unsupportedGrantType: {
    status: 400,
    body: { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" },
  },
  invalidRequest: {
    status: 400,
    body: {
      error: "invalid_request",
      error_description:
        "The request is missing a required parameter, includes an unsupported parameter value (other than grant type), repeats a parameter, includes multiple credentials, utilizes more than one mechanism for authenticating the client, or is otherwise malformed",
    },
  },
} as const satisfies Record<string, EnedisFailure>;

/** The fault a test queued (`POST /_control/faults`), answered as Enedis would. */
export function injectedFault(gen: Generation, status: 500 | 503 | 429 | 401, nowMs: number): EnedisFailure {
  if (status === 500) return technicalError(gen);
  if (status === 503) return serviceUnavailable(gen);
  if (status === 401) return unauthorized(gen);
  return throttled(gen, "second", nowMs + 1000);
}
