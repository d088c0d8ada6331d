/**
 * What stands in front of every simulated API call, in Enedis's order: the bearer token (401), then
 * the shared gate in the SimulatorThrottle Durable Object — queued faults, revoked tokens, the
 * 5-per-second burst limit and the hourly caps (429) — which also counts the call for `/_control/stats`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConfig } from "../config";
import type { Env } from "../env";
import { reshapeError } from "./error-shapes";
import { type EnedisFailure, type Generation, injectedFault, lastingTechnicalError, throttled, unauthorized } from "./errors";
import { type Admission, type CallDescriptor, simulatorThrottle } from "./throttle";
import { verifyToken } from "./tokens";

export type SimulatorEnv = {
  Bindings: Env;
  /** Set once the call is admitted; `generation` also marks the failures that follow as business errors. */
  Variables: { nowMs: number; clientId: string; generation: Generation };
};

/** Hourly caps: v5 counts the whole application; Data Connect 2026 counts each API separately. */
export const V5_HOURLY_LIMIT = 10_000;
export const API_2026_HOURLY_LIMIT = 1000;

/**
 * Answers a failure. Business errors of an admitted 2026 call (no consent, no data, bad request…) take the
 * shape chosen with `/_control/error-shape`; WSO2's own answers (401, 429, queued faults) and v5 keep theirs.
 */
export async function sendFailure(c: Context<SimulatorEnv>, failure: EnedisFailure): Promise<Response> {
  if (c.get("generation") !== "2026") return c.json(failure.body, failure.status);
  const { errorShape } = await simulatorThrottle(c.env).levers();
  return c.json(reshapeError(failure.body, errorShape) as object, failure.status);
}

/** Asks the Durable Object whether this call goes through; a failure to answer with, or undefined. */
export async function admitCall(env: Env, gen: Generation, call: CallDescriptor, nowMs: number): Promise<EnedisFailure | undefined> {
  return refusalOf(gen, await simulatorThrottle(env).admit(call), nowMs);
}

/** WSO2's refusal for an admission outcome (fault, revoked token, throttled), or undefined when the call goes on. */
function refusalOf(gen: Generation, admission: Admission, nowMs: number): EnedisFailure | undefined {
  switch (admission.outcome) {
    case "ok":
    case "technical_error": // answered by the route guard, once the call counts as admitted
      return undefined;
    case "revoked":
      return unauthorized(gen);
    case "fault":
      return injectedFault(gen, admission.status, nowMs);
    case "throttled":
      return throttled(gen, admission.window, admission.retryAtMs);
  }
}

/** The PDL a request is about, wherever this API puts it (for fault matching and statistics). */
const usagePointOf = (c: Context) => c.req.query("usage_point_id") ?? c.req.query("pointId") ?? c.req.param("prm");

/**
 * Guards one data route. `path` is the API path as Enedis documents it (statistics key);
 * `hourlyBucket` names the quota the call counts against ("v5", or the 2026 API name).
 */
export function enedisCall(gen: Generation, path: string, hourlyBucket: string): MiddlewareHandler<SimulatorEnv> {
  return async (c, next) => {
    const nowMs = Date.now();
    const config = getConfig(c.env);
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
    const token = bearer ? await verifyToken(config.appSecret, config.clientId, bearer, nowMs) : undefined;
    if (!token) return sendFailure(c, unauthorized(gen));
    const admission = await simulatorThrottle(c.env).admit({
      path,
      hourlyBucket,
      hourlyLimit: gen === "v5" ? V5_HOURLY_LIMIT : API_2026_HOURLY_LIMIT,
      usagePointId: usagePointOf(c),
      tokenId: token.tokenId,
    });
    const refusal = refusalOf(gen, admission, nowMs);
    if (refusal) return sendFailure(c, refusal);
    c.set("nowMs", nowMs);
    c.set("clientId", config.clientId);
    c.set("generation", gen);
    if (admission.outcome === "technical_error") return sendFailure(c, lastingTechnicalError(gen));
    await next();
  };
}
