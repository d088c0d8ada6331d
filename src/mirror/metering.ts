import { readDays, writeDays, type CacheSlot } from "../cache/store";
import { createEnedisClient } from "../enedis/client";
import { eachDay, isSettled, maxDaysPerCall, readingDay, splitIntoCalls, type DayRange } from "../enedis/dates";
import type { IntervalReading, MeterReading, MeteringKind, ReadingType } from "../enedis/types";
import { EnedisUpstreamError } from "../enedis/errors";
import { AppError } from "../http/errors";
import { countRequest } from "../limits/quota";
import { isCompleteDay } from "./completeness";
import type { CacheStatus, MirrorAnswer, MirrorContext } from "./context";
import { cacheTtlSeconds, callEnedis, noDataTtlSeconds } from "./policy";
import { withApplicationToken } from "../enedis/app-token";
import { noteRead } from "../sync/reads";

/** One cached day of one series: its readings plus what the v5 envelope needs to be rebuilt. */
export interface DayReadings {
  quality: string;
  reading_type: ReadingType;
  readings: IntervalReading[];
}
/**
 * A day Enedis answered "no data" for (load curve not activated, meter silent), remembered so the same question is
 * not asked again before its TTL: a year of load curve from a PDL without one costs 53 calls once, then none.
 */
interface NoDataDay {
  none: true;
}
type CachedDay = DayReadings | NoDataDay;
const hasReadings = (d: CachedDay | undefined): d is DayReadings => !!d && !("none" in d);

/** Enedis's answer to a chunk partly before the meter's activation: that chunk is a gap, the rest of the range still has data. */
export const BEFORE_ACTIVATION = "ADAM-ERR0123";

/** Enedis calls of one request run a few at a time: the global budget paces them anyway. */
const CALL_CONCURRENCY = 3;

/**
 * A metering series for [start, end): cached days are decrypted, only missing days are asked to Enedis
 * (in the fewest calls its per-call limits allow), complete days are sealed back into the cache.
 */
export async function readMetering(
  ctx: MirrorContext,
  kind: MeteringKind,
  range: DayRange,
  opts: { useCache: boolean },
): Promise<MirrorAnswer<{ meter_reading: MeterReading }>> {
  const { env, caller, pdl } = ctx;
  await noteRead(env, pdl); // background sync rests for PDLs nobody reads
  const slot = slotOf(ctx, kind);
  // Before the meter's activation (from the contract) Enedis has nothing: such days are never asked.
  const days = eachDay(range.start, range.end).filter((d) => !pdl.activationDate || d >= pdl.activationDate);
  const cached = opts.useCache ? await readDays<CachedDay>(slot, days, ttlOf) : new Map<string, CachedDay>();
  const missing = days.filter((d) => !cached.has(d));
  const quota = (ctx.counted = await countRequest(env, caller.userId, missing.length === 0 ? "cached" : "no_cache"));

  const fetched = new Map<string, DayReadings>();
  if (missing.length > 0) {
    const calls = splitIntoCalls(missing, maxDaysPerCall(kind));
    await callEnedis(ctx, () => fetched.size === 0, () =>
      withApplicationToken(env, async (token) => {
        const client = createEnedisClient(env);
        await inBatches(calls, CALL_CONCURRENCY, async (call) => {
          let answer: MeterReading;
          try {
            answer = await client.meterReading(token, kind, pdl.usagePointId, call.start, call.end);
          } catch (error) {
            // "No data" for one stretch (load curve not activated, meter silent) is a gap, not a failure of the whole
            // request, and is remembered; a period with no reading at all is answered NO_DATA below.
            if (error instanceof AppError && error.code === "NO_DATA") return rememberNoData(slot, call);
            // A chunk reaching before the meter's activation: a gap for this request only (some of its days may have
            // data, so nothing is remembered); the contract's activation date avoids it next time.
            if (error instanceof EnedisUpstreamError && error.upstreamCode === BEFORE_ACTIVATION) return;
            throw error;
          }
          const byDay = groupByDay(kind, answer, call);
          const now = new Date();
          await writeDays(
            slot,
            [...byDay].filter(([day, d]) => isCompleteDay(kind, day, d.readings)).map(([day, value]) => ({ day, value, ttlSeconds: cacheTtlSeconds(isSettled(day, now)) })),
          );
          for (const [day, value] of byDay) fetched.set(day, value);
        });
      }),
    );
  }

  const parts = days.map((d) => fetched.get(d) ?? cached.get(d)).filter(hasReadings);
  if (parts.length === 0 || parts.every((p) => p.readings.length === 0)) {
    throw new AppError(404, "NO_DATA", "Enedis n'a aucune donnée pour ce point de livraison sur cette période.");
  }
  const cacheStatus: CacheStatus = missing.length === 0 ? "HIT" : cached.size === 0 ? "MISS" : "PARTIAL";
  return {
    cacheStatus,
    quota,
    data: {
      meter_reading: {
        usage_point_id: pdl.usagePointId,
        start: range.start,
        end: range.end,
        quality: parts[0].quality,
        reading_type: parts[0].reading_type,
        interval_reading: parts.flatMap((p) => p.readings),
      },
    },
  };
}

/**
 * What the cache already holds for [start, end), without Enedis and without counting a request: the
 * dashboard's small charts use it (the account's own page, showing only what the account already fetched).
 */
export async function readCachedReadings(ctx: MirrorContext, kind: MeteringKind, range: DayRange): Promise<IntervalReading[]> {
  const days = eachDay(range.start, range.end);
  const cached = await readDays<CachedDay>(slotOf(ctx, kind), days, ttlOf);
  return days.flatMap((d) => {
    const day = cached.get(d);
    return hasReadings(day) ? day.readings : [];
  });
}

const slotOf = (ctx: MirrorContext, kind: MeteringKind): CacheSlot => ({
  env: ctx.env,
  userId: ctx.caller.userId,
  usagePointId: ctx.pdl.usagePointId,
  kind,
  dataKey: ctx.caller.dataKey,
  keyPair: ctx.caller.keyPair,
});

/** The TTL a cached day gets when it is written, also when a read packs or moves it (cache/store.ts). */
const ttlOf = (day: string, value: CachedDay) => {
  const settled = isSettled(day, new Date());
  return hasReadings(value) ? cacheTtlSeconds(settled) : noDataTtlSeconds(settled);
};

/** Every day of a chunk Enedis answered "no data" for: short-lived for recent days (they may still be published). */
async function rememberNoData(slot: CacheSlot, call: DayRange) {
  const now = new Date();
  const none: NoDataDay = { none: true };
  await writeDays(slot, eachDay(call.start, call.end).map((day) => ({ day, value: none, ttlSeconds: noDataTtlSeconds(isSettled(day, now)) })));
}

export function groupByDay(kind: MeteringKind, answer: MeterReading, call: DayRange): Map<string, DayReadings> {
  const byDay = new Map<string, DayReadings>();
  for (const reading of answer.interval_reading) {
    const day = readingDay(kind, reading);
    if (day < call.start || day >= call.end) continue; // Enedis may overhang; keep each reading in its own day only
    let entry = byDay.get(day);
    if (!entry) byDay.set(day, (entry = { quality: answer.quality, reading_type: answer.reading_type, readings: [] }));
    entry.readings.push(reading);
  }
  return byDay;
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}
