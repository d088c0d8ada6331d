import { EnedisTokenRejected } from "../enedis/errors";
import type { Env } from "../env";
import { validEnedisTokenFor } from "../limits/quota";

/**
 * Runs Enedis calls with the PDL's token (refreshed by the account's AccountGate, once for all concurrent
 * requests). If Enedis rejects the token anyway (401), get a fresh one once and retry once.
 */
export async function withEnedisToken<T>(env: Env, userId: string, usagePointId: string, run: (accessToken: string) => Promise<T>): Promise<T> {
  const token = await validEnedisTokenFor(env, userId, usagePointId);
  try {
    return await run(token);
  } catch (error) {
    if (!(error instanceof EnedisTokenRejected)) throw error;
    return run(await validEnedisTokenFor(env, userId, usagePointId, true, token));
  }
}
