import { readDays, writeDays } from "../cache/store";
import { createEnedisClient } from "../enedis/client";
import type { CustomerKind } from "../enedis/types";
import { countRequest } from "../limits/quota";
import { OFFPEAK_UNAVAILABLE, offpeakMissing } from "../enedis/offpeak-note";
import { contractSummary } from "../enedis/contract-summary";
import { refreshContractSummary, setLastError } from "../pdl/store";
import type { MirrorAnswer, MirrorContext } from "./context";
import { CUSTOMER_DATA_TTL_SECONDS, callEnedis } from "./policy";
import { withApplicationToken } from "../enedis/app-token";

/** The cache slot "day" of customer data, which is not per day. */
const CURRENT = "current";

/** Contract, address, identity or contact in the v5 shape, from the encrypted cache or Enedis. */
export async function readCustomerData(ctx: MirrorContext, kind: CustomerKind, opts: { useCache: boolean }): Promise<MirrorAnswer<unknown>> {
  const { env, caller, pdl } = ctx;
  const slot = { env, userId: caller.userId, usagePointId: pdl.usagePointId, kind, dataKey: caller.dataKey, keyPair: caller.keyPair };
  if (opts.useCache) {
    const hit = (await readDays<unknown>(slot, [CURRENT], () => CUSTOMER_DATA_TTL_SECONDS)).get(CURRENT);
    if (hit !== undefined) return { data: hit, cacheStatus: "HIT", quota: (ctx.counted = await countRequest(env, caller.userId, "cached")) };
  }
  const quota = (ctx.counted = await countRequest(env, caller.userId, "no_cache"));
  const data = await callEnedis(ctx, () => true, () =>
    withApplicationToken(env, (token) => createEnedisClient(env).customerData(token, kind, pdl.usagePointId)),
  );
  // Off-peak hours nobody could give (comptage_auto not subscribed, no v5 either): answered without them, not silently.
  if (kind === "contract") {
    await refreshContractSummary(env, pdl, contractSummary(data));
    if (offpeakMissing(data)) await setLastError(env, pdl.usagePointId, OFFPEAK_UNAVAILABLE);
    else if (pdl.lastError === OFFPEAK_UNAVAILABLE) await setLastError(env, pdl.usagePointId, null);
  }
  await writeDays(slot, [{ day: CURRENT, value: data, ttlSeconds: CUSTOMER_DATA_TTL_SECONDS }]);
  return { data, cacheStatus: "MISS", quota };
}
