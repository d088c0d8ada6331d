/**
 * Enedis error answers → the gateway's own errors (API.md codes, our own wording).
 *
 * Two families matter for ENEDIS_API_MODE=auto:
 * - answers about the data (no consent, not the owner, no data, bad dates, throttled): Enedis understood
 *   the question, so asking the other generation would give the same answer — never fall back;
 * - failures of the API itself (5xx, timeouts, API not subscribed 900908, unknown route, swagger
 *   mismatch 500, unexpected 4xx): the legacy v5 API may still answer — `fallbackToLegacy` is true.
 *
 * Enedis's own text is read to classify, never copied into a message (SECURITY.md §8).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode } from "../http/errors";

export type EnedisGeneration = "v5" | "dc2026";

/** Seconds a client is told to wait after Enedis itself failed. */
export const UNAVAILABLE_RETRY_AFTER_S = 60;

/** An error that came from an Enedis answer (or the lack of one). */
export class EnedisUpstreamError extends AppError {
  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    /** True when the other Enedis generation may succeed where this one failed. */
    readonly fallbackToLegacy: boolean,
    /** Enedis's error code (e.g. "ADAM-DC-0008"), for logs and `last_error`; never shown raw to clients. */
    readonly upstreamCode: string | undefined,
    extra: { retryAfter?: number; field?: string } = {},
  ) {
    super(status, code, message, extra);
    this.name = "EnedisUpstreamError";
  }
}

/**
 * Enedis refused the access token (401). The caller gets a new token once and retries; if this escapes,
 * it still renders as a clean 502.
 */
export class EnedisTokenRejected extends EnedisUpstreamError {
  constructor() {
    super(502, "ENEDIS_UNAVAILABLE", "Enedis a refusé le jeton d'accès de la passerelle.", false, "401");
    this.name = "EnedisTokenRejected";
  }
}

/** True when, in auto mode, the same question should be asked to the legacy v5 API. */
export function shouldFallBackToLegacy(err: unknown): boolean {
  return err instanceof EnedisUpstreamError && err.fallbackToLegacy;
}

const MESSAGES = {
  consent: "Aucun consentement Enedis valide pour ce point de livraison (absent, révoqué ou expiré) : renouvelez-le depuis le tableau de bord.",
  // Enedis also answers "n'est pas titulaire" (ADAM-DC-0007) for points whose consent simply has to be given again.
  owner:
    "Enedis indique que ce point de livraison n'appartient plus au titulaire qui a donné son consentement. Si vous en êtes toujours titulaire, donnez à nouveau votre consentement depuis le tableau de bord : cela suffit souvent à rétablir l'accès.",
  noData: "Enedis n'a aucune donnée pour ce point de livraison sur cette période.",
  noLoadCurve: "Enedis n'a pas de courbe de charge pour ce point (collecte non activée ou refusée).",
  wrongDirection: "Ce point de livraison n'a pas cette série (consommation demandée sur un point de production, ou l'inverse).",
  tooOld: "La période demandée dépasse l'historique disponible chez Enedis.",
  beforeConsent: "La période demandée commence avant la date de début du consentement.",
  beforeActivation: "La période demandée commence avant la mise en service du compteur.",
  badRange: "Enedis a refusé la période demandée.",
  rejected: "Enedis a refusé la requête de la passerelle.",
  notSubscribed: "Cette API Enedis n'est pas ouverte à la passerelle.",
  down: "Enedis est momentanément indisponible ; réessayez plus tard.",
  failed: "Enedis a rencontré une erreur ; réessayez plus tard.",
  busy: "Enedis limite le nombre d'appels ; réessayez après le délai indiqué.",
  credentials: "Enedis a refusé les identifiants de la passerelle.",
} as const;

interface ErrorFields {
  code?: string;
  /** Every text field joined, for classification by pattern. */
  text: string;
  /** The same text fields one by one (a WSO2 "Not Found" must be a whole field, not part of a sentence). */
  parts: string[];
}

const TEXT_FIELDS = ["error_description", "message", "description", "libelle"] as const;

/**
 * Reads every error-body shape Enedis sends: `{error, error_description}` (v5), `{code, message}` (2026),
 * an array `[{code, message}]` (the swagger's `Erreur`; the first element speaks), `{code, libelle}`
 * (`comptage_auto`), WSO2's `{fault: {code, message, description}}`, or plain text.
 */
export function readErrorFields(body: unknown): ErrorFields {
  if (Array.isArray(body)) return readErrorFields(body[0]);
  if (!body || typeof body !== "object") {
    const text = typeof body === "string" ? body : "";
    return { text, parts: text ? [text] : [] };
  }
  const o = body as Record<string, unknown>;
  const inner = o.fault && typeof o.fault === "object" ? (o.fault as Record<string, unknown>) : o;
  const raw = inner.error ?? inner.code;
  const code = typeof raw === "string" || typeof raw === "number" ? String(raw).trim() : undefined;
  const parts = TEXT_FIELDS.map((f) => inner[f]).filter((v): v is string => typeof v === "string" && v.trim() !== "");
  // "ADAM_DC_0008" appears next to "ADAM-DC-0008" in Enedis's own swagger.
  return { code: code ? code.toUpperCase().replace(/_/g, "-") : undefined, text: parts.join(" "), parts };
}

/**
 * WSO2's (Enedis's API gateway) own not-found: the route is not served on this host (e.g. v5 switched off),
 * as opposed to an Enedis API answering 404 about the data. A field that is "Not Found" (optionally after
 * the status, or as an HTML page's title), or says "resource is not available".
 */
export function isRouteNotServed(body: unknown): boolean {
  const { parts } = readErrorFields(body);
  const candidates = parts.flatMap((p) => [p, ...[...p.matchAll(/<(?:title|h1)>([^<]*)</gi)].map((m) => m[1])]);
  return candidates.some((p) => /^\s*(?:404\s*[-:]?\s*)?not found\.?\s*$/i.test(p) || /resource is not available/i.test(p));
}

const unavailable = (status: ContentfulStatusCode, message: string, code?: string) =>
  new EnedisUpstreamError(status, "ENEDIS_UNAVAILABLE", message, true, code, status === 503 ? { retryAfter: UNAVAILABLE_RETRY_AFTER_S } : {});
const answer = (status: ContentfulStatusCode, code: ErrorCode, message: string, upstream?: string, field?: string) =>
  new EnedisUpstreamError(status, code, message, false, upstream, field ? { field } : {});

/** Error codes that carry the same meaning in every status Enedis happens to send them with. */
function byCode(code: string | undefined): EnedisUpstreamError | undefined {
  switch (code) {
    case "ADAM-DC-0008":
    case "ACCESS-DENIED":
    case "UNAUTHORIZED-USER":
      return answer(403, "CONSENT_REQUIRED", MESSAGES.consent, code);
    case "ADAM-DC-0007":
    case "ADAM-ERR0061":
    // Decision: "unknown usage point for this customer" is an ownership answer (the consenting
    // customer does not hold this PDL), so NOT_OWNER tells the household what to do better than NO_DATA.
    case "STM-ERR-0000019":
      return answer(403, "NOT_OWNER", MESSAGES.owner, code);
    case "NO-DATA-FOUND":
    case "STM-ERR-0000014":
    case "STM-ERR-0000020":
      return answer(404, "NO_DATA", MESSAGES.noData, code);
    case "ADAM-ERR0075":
      return answer(404, "NO_DATA", MESSAGES.noLoadCurve, code);
    case "ADAM-ERR0069":
      return answer(404, "NO_DATA", MESSAGES.wrongDirection, code);
    case "ADAM-DC-0016":
    case "ADAM-ERR0125":
      return answer(400, "DATE_TOO_OLD", MESSAGES.tooOld, code, "start");
    case "ADAM-DC-0009":
      return answer(400, "DATE_TOO_OLD", MESSAGES.beforeConsent, code, "start");
    case "ADAM-ERR0123":
      return answer(400, "DATE_TOO_OLD", MESSAGES.beforeActivation, code, "start");
    case "ADAM-DC-0015":
    case "ADAM-ERR0126":
      return answer(400, "INVALID_DATE_RANGE", MESSAGES.badRange, code);
    case "INVALID-GRANT":
    case "INVALID-CLIENT":
      return new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", MESSAGES.credentials, false, code);
    case "900908":
      return unavailable(502, MESSAGES.notSubscribed, code);
    default:
      return undefined;
  }
}

/**
 * Maps one non-2xx Enedis answer. `retryAfter` (seconds) is used for 429s, which the transport has
 * already reported to the global budget. Both generations' codes are disjoint today, so the mapping
 * does not branch on `generation` yet; callers pass it so a future divergence stays local to this file.
 * Every error carries an `upstreamCode` (Enedis's code, else the HTTP status) for logs and the mirror.
 */
export function enedisError(status: number, body: unknown, generation: EnedisGeneration, retryAfter?: number): AppError {
  if (status === 401) return new EnedisTokenRejected();
  if (status === 429) {
    return new EnedisUpstreamError(429, "ENEDIS_BUSY", MESSAGES.busy, false, readErrorFields(body).code ?? "429", {
      retryAfter: Math.max(1, Math.ceil(retryAfter ?? UNAVAILABLE_RETRY_AFTER_S)),
    });
  }
  if (status >= 500) return unavailable(status === 500 || status === 502 ? 502 : 503, status === 500 ? MESSAGES.failed : MESSAGES.down, String(status));

  const { code, text } = readErrorFields(body);
  const known = byCode(code);
  if (known) return known;
  const upstream = code ?? String(status);

  if (status === 403) {
    if (/subscription/i.test(text) || /^9009/.test(code ?? "")) return unavailable(502, MESSAGES.notSubscribed, upstream);
    if (/titulaire|holder/i.test(text)) return answer(403, "NOT_OWNER", MESSAGES.owner, upstream);
    // Other 403s ("Le client n'est pas autorisé pour le point demandé") are about consent.
    return answer(403, "CONSENT_REQUIRED", MESSAGES.consent, upstream);
  }
  if (status === 404) {
    // Only WSO2's own not-found means "route not served" (worth asking v5 in auto mode); any other 404 —
    // coded or not, even with an empty body — is Enedis saying it has nothing for that period.
    if (isRouteNotServed(body)) return unavailable(502, MESSAGES.failed, upstream);
    return answer(404, "NO_DATA", MESSAGES.noData, upstream);
  }
  if (status === 400) {
    // invalid_request and uncoded 2026 400s carry the reason only in their text.
    const byText = TEXT_RULES.find(([pattern]) => pattern.test(text));
    if (byText) return byText[1](upstream);
  }
  // A request this generation does not accept (swagger mismatch, unexpected 4xx): the other one may.
  return new EnedisUpstreamError(502, "ENEDIS_REJECTED", MESSAGES.rejected, true, upstream);
}

/** For 400s whose code is generic: Enedis's (English or French) description, first match wins. */
const TEXT_RULES: ReadonlyArray<[RegExp, (code?: string) => EnedisUpstreamError]> = [
  [/history|historique/i, (c) => answer(400, "DATE_TOO_OLD", MESSAGES.tooOld, c, "start")],
  [/activation|mise en service/i, (c) => answer(400, "DATE_TOO_OLD", MESSAGES.beforeActivation, c, "start")],
  [/objected|opposé|opposition/i, (c) => answer(404, "NO_DATA", MESSAGES.noLoadCurve, c)],
  [/meter holder|titulaire/i, (c) => answer(403, "NOT_OWNER", MESSAGES.owner, c)],
  [/\b(date|dates|period|start|end)\b|période|début|\bfin\b/i, (c) => answer(400, "INVALID_DATE_RANGE", MESSAGES.badRange, c)],
];

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
/** Longest wait we believe from a throttling answer: Enedis's longest window is one hour. */
const MAX_THROTTLE_MS = 3_600_000;

function parseInstant(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value > 1e12 ? value : value * 1000;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const s = value.trim();
  if (/^\d+$/.test(s)) return parseInstant(Number(s));
  // WSO2's format: "2026-Oct-01 12:34:00+0000 UTC".
  const wso2 = /(\d{4})-([A-Za-z]{3})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(s);
  if (wso2) {
    const month = MONTHS.indexOf(wso2[2].toLowerCase());
    if (month >= 0) return Date.UTC(Number(wso2[1]), month, Number(wso2[3]), Number(wso2[4]), Number(wso2[5]), Number(wso2[6]));
  }
  const iso = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/.exec(s);
  if (iso) {
    const ms = Date.parse(iso[0].replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    if (!Number.isNaN(ms)) return ms;
  }
  return undefined;
}

/**
 * When Enedis will accept calls again after a 429 (epoch ms): the 2026 gateway's `nextAccessTime`,
 * else `Retry-After`, else a date in v5's message, else a guess from the quota named (per second or hourly).
 */
export function throttledUntilMs(body: unknown, headers: Headers, nowMs: number): number {
  return throttleWindow(body, headers, nowMs).untilMs;
}

/** Like throttledUntilMs, and whether Enedis stated that time (`stated`) or it is our guess. */
export function throttleWindow(body: unknown, headers: Headers, nowMs: number): { untilMs: number; stated: boolean } {
  const o = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const fault = o.fault && typeof o.fault === "object" ? (o.fault as Record<string, unknown>) : {};
  const { code, text } = readErrorFields(body);
  const retryAfter = headers.get("Retry-After");
  const fromRetryAfter =
    retryAfter === null ? undefined : /^\d+$/.test(retryAfter.trim()) ? nowMs + Number(retryAfter) * 1000 : Date.parse(retryAfter) || undefined;
  const candidates = [parseInstant(o.nextAccessTime), parseInstant(fault.nextAccessTime), fromRetryAfter, parseInstant(text)];
  const found = candidates.find((ms) => ms !== undefined && ms > nowMs);
  if (found !== undefined) return { untilMs: Math.min(found, nowMs + MAX_THROTTLE_MS), stated: true };
  if (/Q4|hour|heure/i.test(`${code ?? ""} ${text}`)) return { untilMs: nowMs + 60_000, stated: false };
  return { untilMs: nowMs + 1_000, stated: false }; // per-second quota (Q3, WSO2 burst control) or unknown: one window
}
