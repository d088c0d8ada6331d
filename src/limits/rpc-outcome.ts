import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, type ErrorCode } from "../http/errors";

/**
 * Durable Object RPC keeps only a thrown error's message, and callers need an AppError's status, code and
 * Retry-After: objects answer an outcome instead of throwing, and the worker side turns it back into the error.
 */
export interface SerializedAppError {
  status: ContentfulStatusCode;
  code: ErrorCode;
  message: string;
  field?: string;
  retryAfter?: number;
  headers?: Record<string, string>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: SerializedAppError };

/** Runs `work` inside an object; an AppError becomes a failed outcome, anything else still throws. */
export async function toOutcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { ok: false, error: { status: err.status, code: err.code, message: err.message, ...err.extra } };
  }
}

/** The worker side: the value, or the AppError the object met, rethrown with its status, code and headers. */
export function fromOutcome<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  const { status, code, message, ...extra } = outcome.error;
  throw new AppError(status, code, message, extra);
}
