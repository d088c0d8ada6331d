import { DurableObject } from "cloudflare:workers";
import { APP_TOKEN_KV_KEY, isFresh, kvTtlSeconds, openAppTokenRecord, sealAppToken } from "../enedis/app-token-record";
import { createEnedisClient } from "../enedis/client";
import type { EnedisToken } from "../enedis/types";
import type { Env } from "../env";
import { toOutcome, type Outcome } from "./rpc-outcome";

/** The one instance every isolate asks: Enedis gives one token per application. */
export const TOKEN_KEEPER_NAME = "global";
const STORAGE_KEY = "sealed-token";

/**
 * Keeps the gateway's one Enedis application token and serializes its refresh for every isolate.
 * Isolates read the token from KV (and keep it in memory); they come here only when theirs is missing, about to
 * expire, or was refused by Enedis (401). An Enedis call is outbound I/O, during which other requests do get in:
 * the in-flight promise makes them all share one fetch. The object's own storage holds the authoritative sealed
 * copy (strongly consistent, unlike KV), so a 401 reported with an old token is answered with the current one
 * without fetching again.
 */
export class EnedisTokenKeeper extends DurableObject<Env> {
  private inFlight: Promise<EnedisToken> | undefined;
  private current: EnedisToken | undefined;

  /**
   * A fresh token. `rejected`: the token Enedis just refused — replaced unless it was already replaced.
   * Answers an outcome (RPC keeps only an error's message; callers need the AppError's status and code).
   */
  async token(rejected?: string): Promise<Outcome<EnedisToken>> {
    return toOutcome(() => this.tokenFor(rejected));
  }

  /** Drops the token (Enedis credentials rotated, or an operator's request): the next caller fetches a new one. */
  async forget(): Promise<void> {
    this.current = undefined;
    await this.ctx.storage.delete(STORAGE_KEY);
    await this.env.KV.delete(APP_TOKEN_KV_KEY);
  }

  private async tokenFor(rejected: string | undefined): Promise<EnedisToken> {
    if (this.inFlight) return this.inFlight;
    this.current ??= await this.load();
    if (this.inFlight) return this.inFlight; // started while storage was read
    const held = this.current;
    if (held && isFresh(held, Date.now()) && held.accessToken !== rejected) return held;
    return this.refresh();
  }

  /**
   * The stored token. One sealed under the previous server key (APP_SECRET rotation) is resealed under the current
   * one here; the KV copy is not rewritten now (KV takes one write per second per key, and a refresh may follow at
   * once): isolates still open it under the previous key, and the next refresh replaces it.
   */
  private async load(): Promise<EnedisToken | undefined> {
    const opened = await openAppTokenRecord(this.env, await this.ctx.storage.get<string>(STORAGE_KEY));
    if (!opened) return undefined;
    if (opened.underPrevious) await this.ctx.storage.put(STORAGE_KEY, await sealAppToken(this.env, opened.token));
    return opened.token;
  }

  /** The one refresh; registered before any await so every later caller joins it. A failure is not remembered. */
  private refresh(): Promise<EnedisToken> {
    const refresh = (async () => {
      const token = await createEnedisClient(this.env).fetchToken();
      const sealed = await sealAppToken(this.env, token);
      await this.ctx.storage.put(STORAGE_KEY, sealed);
      await this.env.KV.put(APP_TOKEN_KV_KEY, sealed, { expirationTtl: kvTtlSeconds(token, Date.now()) });
      this.current = token;
      console.log(JSON.stringify({ event: "enedis_token_refreshed", expires_in_s: Math.round((token.expiresAtMs - Date.now()) / 1000) }));
      return token;
    })();
    this.inFlight = refresh;
    const done = () => {
      if (this.inFlight === refresh) this.inFlight = undefined;
    };
    refresh.then(done, done);
    return refresh;
  }
}
