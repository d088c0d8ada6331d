import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError } from "../http/errors";

/**
 * Conso API's error body, `{status, message, error?: {error, error_description}}` (API.md "Conso API-compatible
 * surface"). Tools match these texts (ha-linky stops walking back in time on the history-deadline description), so
 * the ones API.md fixes are copied verbatim here and nowhere else.
 */
export const CONSO_TEXTS = {
  badToken: "Votre token est invalide ou ne permet pas d'accéder à ce PRM",
  missingHeader: "L'en-tête Authorization est manquant : envoyez « Authorization: Bearer <votre token> ».",
  noDataError: "no_data_found",
  noDataDescription: "no measure found for this usage point",
  historyDeadlineDescription: "The start date must be greater than the history deadline.",
} as const;

export interface ConsoErrorBody {
  status: number;
  message: string;
  error?: { error: string; error_description: string };
}

/** A refusal of the Conso surface, thrown by its handlers and rendered by consoErrorResponse. */
export class ConsoError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly detail?: { error: string; error_description: string },
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ConsoError";
  }
}

const DEFAULT_RETRY_AFTER_S = 60;

/** The gateway's own errors, said the way Conso API clients understand them (same statuses as the mirror otherwise). */
export function toConsoError(error: unknown): ConsoError {
  if (error instanceof ConsoError) return error;
  if (!(error instanceof AppError)) {
    console.error(JSON.stringify({ event: "unhandled_error", name: error instanceof Error ? error.name : "unknown", route: "conso" }));
    return new ConsoError(500, "Erreur interne ; réessayez plus tard.");
  }
  const headers = { ...(error.extra.headers ?? {}) };
  switch (error.code) {
    case "NO_DATA":
      return new ConsoError(404, error.message, { error: CONSO_TEXTS.noDataError, error_description: CONSO_TEXTS.noDataDescription }, headers);
    case "DATE_TOO_OLD":
      return new ConsoError(400, error.message, { error: "invalid_request", error_description: CONSO_TEXTS.historyDeadlineDescription }, headers);
    case "QUOTA_EXCEEDED":
    case "ENEDIS_BUSY": {
      // API.md: quota or Enedis budget is a 429 here (the mirror may say 503 for the latter), always with Retry-After.
      const retryAfter = Math.max(1, Math.ceil(error.extra.retryAfter ?? DEFAULT_RETRY_AFTER_S));
      return new ConsoError(429, error.message, undefined, { ...headers, "Retry-After": String(retryAfter) });
    }
    case "UNAUTHORIZED":
    case "PDL_NOT_FOUND":
      return new ConsoError(401, CONSO_TEXTS.badToken, undefined, headers);
    default: {
      if (error.status === 503 && !headers["Retry-After"]) headers["Retry-After"] = String(Math.max(1, Math.ceil(error.extra.retryAfter ?? DEFAULT_RETRY_AFTER_S)));
      return new ConsoError(error.status, error.message, undefined, headers);
    }
  }
}

export function consoErrorResponse(c: Context, error: unknown): Response {
  const e = toConsoError(error);
  const body: ConsoErrorBody = e.detail ? { status: e.status, message: e.message, error: e.detail } : { status: e.status, message: e.message };
  return c.json(body, e.status, e.headers);
}
