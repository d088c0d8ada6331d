/**
 * The upstream client routes use, chosen by ENEDIS_API_MODE: `legacy` (v5), `new` (Data Connect 2026),
 * or `auto` (2026, asking v5 again when 2026 failed as an API — see errors.ts for which failures).
 * Every generation hands back v5 shapes, so callers never know which one answered.
 */
import { getConfig } from "../config";
import type { Env } from "../env";
import { createDc2026Client } from "./dc2026";
import { AppError } from "../http/errors";
import { shouldFallBackToLegacy } from "./errors";
import { clearOffpeakNote, offpeakMissing } from "./offpeak-note";
import { createTransport } from "./transport";
import type { EnedisClient, EnedisTransport } from "./types";
import { createV5Client } from "./v5";

export function createEnedisClient(env: Env, transport: EnedisTransport = createTransport(env)): EnedisClient {
  const config = getConfig(env);
  switch (config.apiMode) {
    case "legacy":
      return createV5Client(transport, config);
    case "new":
      return createDc2026Client(transport, config);
    case "auto":
      return withLegacyFallback(createDc2026Client(transport, config), createV5Client(transport, config));
  }
}

/**
 * Each call goes to `primary`; an HTTP-level failure (5xx, timeout, API not subscribed, unknown route,
 * swagger mismatch) is asked again of `legacy`. Answers about the data (no consent, not the owner,
 * no data, throttled) are final: the other generation would say the same, at the cost of a call.
 */
export function withLegacyFallback(primary: EnedisClient, legacy: EnedisClient): EnedisClient {
  const attempt = async <T>(call: (client: EnedisClient) => Promise<T>): Promise<T> => {
    try {
      return await call(primary);
    } catch (err) {
      if (!shouldFallBackToLegacy(err)) throw err;
      console.warn(`enedis: Data Connect 2026 failed (${loggableCode((err as { upstreamCode?: string }).upstreamCode)}), asking v5`);
      return call(legacy);
    }
  };
  return {
    // The token and v2 discovery are the same endpoints in both generations (common-endpoints.ts): asking v5
    // would send the very same request again, so they do not fall back. v1 discovery differs (2026 confirms
    // each id, v5 lists the customer's points): v5 answers when 2026 failed as an API.
    fetchToken: () => primary.fetchToken(),
    usagePointsForV1: (token, ids) => attempt((c) => c.usagePointsForV1(token, ids)),
    usagePointsForV2: (token, autorisationId, options) => primary.usagePointsForV2(token, autorisationId, options),
    meterReading: (token, kind, id, start, end) => attempt((c) => c.meterReading(token, kind, id, start, end)),
    customerData: async (token, kind, id) => {
      const answer = await attempt((c) => c.customerData(token, kind, id));
      return kind === "contract" && offpeakMissing(answer) ? withLegacyOffpeakHours(answer as object, () => legacy.customerData(token, "contract", id)) : answer;
    },
  };
}

/** Enedis's error code as logged: a code only, never free text (a "code" field may hold a sentence naming a PRM). */
const loggableCode = (code: string | undefined) => (code && /^[A-Za-z0-9_-]{1,40}$/.test(code) ? code : "?");

type V5ContractAnswer = { customer?: { usage_points?: Array<{ contracts?: { offpeak_hours?: string } }> } };
const contractsOf = (answer: unknown) => (answer as V5ContractAnswer)?.customer?.usage_points?.[0]?.contracts;

/**
 * 2026 gives off-peak hours only through `comptage_auto`; when it could not answer, v5's contract still may. Whatever
 * v5 says (or fails to say), the 2026 contract is kept; the note stays when v5 could not fill the gap either.
 */
async function withLegacyOffpeakHours(answer: object, askLegacy: () => Promise<unknown>): Promise<unknown> {
  try {
    const offpeak = contractsOf(await askLegacy())?.offpeak_hours;
    const contracts = contractsOf(answer);
    if (offpeak && contracts) {
      contracts.offpeak_hours = offpeak;
      clearOffpeakNote(answer);
    }
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.warn(JSON.stringify({ event: "enedis_offpeak_fallback_failed", code: err.code }));
  }
  return answer;
}
