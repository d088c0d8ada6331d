import type { Env } from "../env";
import { fromOutcome } from "../limits/rpc-outcome";
import { TOKEN_KEEPER_NAME } from "../limits/token-keeper";
import { APP_TOKEN_KV_KEY, credentialsOf, isFresh, openAppToken } from "./app-token-record";
import { EnedisTokenRejected } from "./errors";
import type { EnedisToken } from "./types";

/**
 * The gateway's one Enedis application token, as a request gets it: this isolate's memory, else KV (sealed; every
 * isolate reads it there), else the EnedisTokenKeeper object, which fetches a new one once for everybody.
 * Memory is keyed by the env object and the Enedis credentials, so new credentials never reuse an old token.
 */
const remembered = new WeakMap<Env, { credentials: string; token: EnedisToken }>();

const keeper = (env: Env) => env.ENEDIS_TOKEN.get(env.ENEDIS_TOKEN.idFromName(TOKEN_KEEPER_NAME));

function remember(env: Env, token: EnedisToken): string {
  remembered.set(env, { credentials: credentialsOf(env), token });
  return token.accessToken;
}

export async function applicationToken(env: Env): Promise<string> {
  const now = Date.now();
  const inMemory = remembered.get(env);
  if (inMemory && inMemory.credentials === credentialsOf(env) && isFresh(inMemory.token, now)) return inMemory.token.accessToken;
  const fromKv = await openAppToken(env, await env.KV.get(APP_TOKEN_KV_KEY));
  if (fromKv && isFresh(fromKv, now)) return remember(env, fromKv);
  return remember(env, fromOutcome(await keeper(env).token()));
}

/** After Enedis refused `rejected` (401): the keeper replaces it once, however many requests saw the 401 at the same time. */
export async function replaceRejectedToken(env: Env, rejected: string): Promise<string> {
  remembered.delete(env);
  return remember(env, fromOutcome(await keeper(env).token(rejected)));
}

/** Runs Enedis calls with the application token; on a 401, one new token and one retry. */
export async function withApplicationToken<T>(env: Env, run: (accessToken: string) => Promise<T>): Promise<T> {
  const token = await applicationToken(env);
  try {
    return await run(token);
  } catch (error) {
    if (!(error instanceof EnedisTokenRejected)) throw error;
    return run(await replaceRejectedToken(env, token));
  }
}

/**
 * Drops the token everywhere (memory, KV, keeper). New Enedis credentials need no call to it (the sealed copies are
 * bound to the credentials and stop opening); it is for an operator who wants a fresh token now, and for tests.
 */
export async function forgetApplicationToken(env: Env): Promise<void> {
  remembered.delete(env);
  await keeper(env).forget();
}
