import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config";
import { AppError, errorBody } from "./errors";
import { errorPage } from "../pages/error-page";
import { emitEvent } from "../observability/events";

const isApi = (c: Context) => c.req.path.startsWith("/api/");
const DEFAULT_RETRY_AFTER_S = 60;

/**
 * The one place a thrown error becomes an answer: the JSON envelope for /api, a French page elsewhere.
 * Unknown errors are logged by name only (their messages may hold upstream text or values) and answered
 * as a bare 500 — never a stack trace.
 */
export async function onError(err: Error, c: Context): Promise<Response> {
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof HTTPException && err.status === 403) appError = new AppError(403, "CSRF_FAILED", "Requête refusée : elle ne vient pas de ce site (CSRF).");
  else if (err instanceof HTTPException && err.status < 500) appError = new AppError(err.status as 400, "VALIDATION_ERROR", "Requête mal formée.");
  else {
    // the route pattern: a path could hold a PDL number
    await emitEvent(c.env, "unhandled_error", { name: err instanceof ConfigError ? "ConfigError" : err.name, route: c.req.routePath });
    appError = new AppError(500, "INTERNAL_ERROR", "Erreur interne ; réessayez plus tard.");
  }
  // Errors by code over 24 h (admin page): a counter upsert per error answer (a burst is added up) — error answers only, no cache hit.
  await emitEvent(c.env, "request_failed", { code: appError.code, status: appError.status });
  const headers: Record<string, string> = { ...(appError.extra.headers ?? {}) };
  // API.md: Retry-After with every 429 and 503, whatever produced it.
  const retryAfter = appError.extra.retryAfter ?? (appError.status === 429 || appError.status === 503 ? DEFAULT_RETRY_AFTER_S : undefined);
  if (retryAfter !== undefined) headers["Retry-After"] = String(Math.max(1, Math.ceil(retryAfter)));
  if (!isApi(c)) return errorPage(c, appError, headers);
  return c.json(errorBody(appError.code, appError.message, appError.extra.field), appError.status, headers);
}
