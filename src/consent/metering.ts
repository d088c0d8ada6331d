import type { EnedisTransport } from "../enedis/types";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { countRequest, refundRequest } from "../limits/quota";

/**
 * A consent callback spends Enedis calls on an account's behalf: each one counts as a no-cache request of that
 * account (SECURITY.md property 3), so forged callbacks cannot spend the gateway's Enedis budget for free.
 * Counted BEFORE the call (429 QUOTA_EXCEEDED when spent); given back when the gateway-wide budget refused it.
 */
export async function meteredCall<T>(env: Env, userId: string, call: () => Promise<T>): Promise<T> {
  await countRequest(env, userId, "no_cache");
  try {
    return await call();
  } catch (error) {
    if (error instanceof AppError && error.code === "ENEDIS_BUSY") await refundRequest(env, userId, "no_cache");
    throw error;
  }
}

/** Every request through this transport (one discovery page, one confirmation) is one no-cache request. */
export const meteredTransport =
  (env: Env, userId: string, transport: EnedisTransport): EnedisTransport =>
  (api, path, init) =>
    meteredCall(env, userId, () => transport(api, path, init));
