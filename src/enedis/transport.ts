/**
 * The one way the gateway sends a request to Enedis: API host prefix, the gateway's User-Agent, a permit
 * from the global budget before every attempt, bounded retries (RETRY_POLICY), and 429s turned into
 * ENEDIS_BUSY (after telling the budget when Enedis will take calls again). In simulator mode the request
 * never leaves the worker: it is handed to the simulator app directly.
 *
 * Nothing here logs a body, a token, a query string or a path (paths and queries carry PDL numbers).
 */
import { getConfig } from "../config";
import type { Env } from "../env";
import { acquireEnedisPermit, reportEnedisThrottle } from "../limits/budget-client";
import { emitEvent } from "../observability/events";
import { simulatorApp } from "../simulator/app";
import type { AppError } from "../http/errors";
import { EnedisUpstreamError, UNAVAILABLE_RETRY_AFTER_S, enedisError, throttleWindow, type EnedisGeneration } from "./errors";
import type { BudgetScope, EnedisApi, EnedisTransport } from "./types";
import { ENEDIS_USER_AGENT } from "./user-agent";

export const REQUEST_TIMEOUT_MS = 15_000;

/**
 * When a call to Enedis is tried again (each attempt takes its own budget permit). Exported as data so the
 * docs cite what the code does.
 * - 502, 503, 504, no answer, our timeout: transient (WSO2 or a backend restarting); three retries spread
 *   over ~4 s catch a restart without hammering Enedis. No retry starts once `maxElapsedMs` has passed since
 *   the first attempt, so a request that keeps failing ends within about 45 s (15 s timeout per attempt).
 * - 500: Enedis's "technical error", which can last days for one PRM, and the 2026 APIs' answer to a
 *   request they do not accept: retried once only, then ENEDIS_UNAVAILABLE.
 * - 429: retried once, only when Enedis states (nextAccessTime, Retry-After, a date in its message) that it
 *   takes calls again within `maxWaitMs` (the next permit waits for that time); otherwise ENEDIS_BUSY with
 *   Retry-After.
 * - any other 4xx (401 included: the caller's token layer renews the token and asks again): never.
 */
export const RETRY_POLICY = {
  transient: { statuses: [502, 503, 504], network: true, timeout: true, delaysMs: [250, 1_000, 3_000], maxElapsedMs: 30_000 },
  technicalError: { statuses: [500], delaysMs: [1_000] },
  throttled: { statuses: [429], retries: 1, maxWaitMs: 2_000 },
} as const;

/** The pause before the next attempt after `failures` failures of this kind, or undefined: give up. */
function delayBefore(delays: readonly number[], failures: number): number | undefined {
  return failures <= delays.length ? delays[failures - 1] : undefined;
}

/** What the transport needs from the outside world; tests replace any of it. */
export interface TransportDeps {
  send: (request: Request) => Promise<Response>;
  acquirePermit: (scope: BudgetScope) => Promise<void>;
  reportThrottle: (scope: BudgetScope, untilMs: number) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** The simulator answers under its own paths; its host name is never resolved. */
const SIMULATOR_ORIGIN = "http://simulator.internal";

export function createTransport(env: Env, overrides: Partial<TransportDeps> = {}): EnedisTransport {
  const config = getConfig(env);
  const inProcess = config.enedisEnv === "simulator" && !env.ENEDIS_API_BASE_URL;
  const deps: TransportDeps = {
    send: inProcess
      ? async (request) => simulatorApp.fetch(request, env)
      : (request) => fetch(request, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
    acquirePermit: (api) => acquireEnedisPermit(env, api),
    reportThrottle: (api, untilMs) => reportEnedisThrottle(env, api, untilMs),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    ...overrides,
  };
  const urlFor = (path: string) => (inProcess ? new URL(path, SIMULATOR_ORIGIN).toString() : config.apiBaseUrl + path);

  return async (api, path, init = {}) => {
    const scope = budgetScopeOf(path);
    const headers = new Headers(init.headers);
    headers.set("User-Agent", ENEDIS_USER_AGENT);
    const request = { ...init, headers };
    const startedAt = deps.now();
    let transientFailures = 0;
    let technicalErrors = 0;
    let throttles = 0;
    /** Pause before a transient retry, or undefined when the retries (or the time for them) are used up. */
    const transientDelay = () => {
      transientFailures++;
      const delay = delayBefore(RETRY_POLICY.transient.delaysMs, transientFailures);
      return delay !== undefined && deps.now() - startedAt + delay <= RETRY_POLICY.transient.maxElapsedMs ? delay : undefined;
    };

    for (;;) {
      await deps.acquirePermit(scope);
      let response: Response;
      try {
        response = await deps.send(new Request(urlFor(path), request));
      } catch (err) {
        // Network failure or our 15 s timeout: Enedis never answered.
        const delay = transientDelay();
        if (delay !== undefined) {
          console.warn(`enedis ${api}: no answer (${err instanceof Error ? err.name : "error"}), retrying`);
          await deps.sleep(delay);
          continue;
        }
        throw await reportedError(
          env,
          api,
          new EnedisUpstreamError(503, "ENEDIS_UNAVAILABLE", "Enedis ne répond pas ; réessayez plus tard.", true, "network", {
            retryAfter: UNAVAILABLE_RETRY_AFTER_S,
          }),
        );
      }
      if (response.status === 429) {
        // Retrying blindly would only be throttled again: the whole gateway waits until Enedis's time.
        const body = await readBody(response);
        const now = deps.now();
        const { untilMs: until, stated } = throttleWindow(body, response.headers, now);
        console.warn(`enedis ${api}: throttled by Enedis for ${Math.ceil((until - now) / 1000)} s`);
        await deps.reportThrottle(scope, until);
        // A short wait Enedis itself announced is cheaper than failing the request: the next permit is only
        // granted after `until`. A guessed time is not enough to spend another call on.
        if (stated && throttles < RETRY_POLICY.throttled.retries && until - now <= RETRY_POLICY.throttled.maxWaitMs) {
          throttles++;
          continue;
        }
        throw await reportedError(env, api, enedisError(429, body, generationOf(path), (until - now) / 1000), 429);
      }
      const delay = RETRY_POLICY.transient.statuses.some((s) => s === response.status)
        ? transientDelay()
        : response.status === 500
          ? delayBefore(RETRY_POLICY.technicalError.delaysMs, ++technicalErrors)
          : undefined;
      if (delay !== undefined) {
        console.warn(`enedis ${api}: HTTP ${response.status}, retrying`);
        await response.body?.cancel();
        await deps.sleep(delay);
        continue;
      }
      // The caller maps the error (it reads the body); the event is told here, where every Enedis answer passes.
      if (!response.ok) await reportedError(env, api, enedisError(response.status, await readBody(response.clone()), generationOf(path)), response.status);
      return response;
    }
  };
}

/** The 2026 APIs live under these prefixes; everything else is a v5 path (token and discovery included). */
export function generationOf(path: string): EnedisGeneration {
  return /^\/(mesure_synchrone_auto|situation_contrat_auto|synth_contrat_auto|comptage_auto|donnees_generales_auto|subscribed_services)\//.test(path)
    ? "dc2026"
    : "v5";
}

/** A response body as JSON when it is JSON, as text otherwise (for error classification only). */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * One JSON call: a 2xx answers its parsed body, anything else throws the mapped gateway error
 * (errors.ts). Adds the bearer token and Accept header the Enedis APIs require.
 */
export async function callEnedisJson(
  transport: EnedisTransport,
  api: EnedisApi,
  path: string,
  accessToken: string | null,
  init: RequestInit = {},
): Promise<unknown> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (accessToken !== null) headers.set("Authorization", `Bearer ${accessToken}`);
  const response = await transport(api, path, { ...init, headers });
  const body = await readBody(response);
  if (!response.ok) throw enedisError(response.status, body, generationOf(path));
  if (typeof body !== "object" || body === null) {
    throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé une réponse illisible.", true, "not-json");
  }
  return body;
}

/**
 * Enedis counts its hourly quota per API, not per resource: the five 2026 measurement resources all belong to
 * "mesure_synchrone_auto". The budget is therefore kept per first path segment.
 */
export function budgetScopeOf(path: string): BudgetScope {
  return path.replace(/^\/+/, "").split(/[/?]/, 1)[0] || "unknown";
}

/** One `enedis_error` event (docs/logs.md): the gateway code and Enedis's own error code, never a message or a path. */
async function reportedError<E extends AppError>(env: Env, api: string, error: E, status?: number): Promise<E> {
  const enedisCode = error instanceof EnedisUpstreamError ? error.upstreamCode : undefined;
  await emitEvent(env, "enedis_error", { api, status: status ?? error.status, code: error.code, enedis_code: enedisCode ?? "" });
  return error;
}
