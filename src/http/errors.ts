import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Every error code the JSON API can answer with (API.md). */
export type ErrorCode =
  | "VALIDATION_ERROR"
  | "INVALID_EMAIL"
  | "WEAK_PASSWORD"
  | "INVALID_USAGE_POINT_ID"
  | "INVALID_DATE_FORMAT"
  | "INVALID_DATE_RANGE"
  | "DATE_TOO_OLD"
  | "PAYLOAD_TOO_LARGE"
  | "UNAUTHORIZED"
  | "INVALID_CREDENTIALS"
  | "FORBIDDEN"
  | "CSRF_FAILED"
  | "PDL_NOT_FOUND"
  | "PDL_DISABLED"
  | "USER_NOT_FOUND"
  | "NOT_FOUND"
  | "USER_EXISTS"
  | "PDL_TAKEN"
  | "QUOTA_EXCEEDED"
  | "TOO_MANY_ATTEMPTS"
  | "ENEDIS_BUSY"
  | "CONSENT_REQUIRED"
  | "NOT_OWNER"
  | "NO_DATA"
  | "ENEDIS_UNAVAILABLE"
  | "ENEDIS_REJECTED"
  | "INTERNAL_ERROR";

/**
 * The one error type handlers throw. `app.onError` turns it into the JSON envelope
 * `{success:false, error:{code,message,field?}}` (API routes) or a French page (HTML routes).
 * `message` is written for the end user: never put upstream text, secrets or values in it.
 */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; retryAfter?: number; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const errorBody = (code: ErrorCode, message: string, field?: string) => ({
  success: false as const,
  error: field ? { code, message, field } : { code, message },
});
