import { readDays, writeDays, type CacheSlot } from "../cache/store";
import { createEnedisClient } from "../enedis/client";
import { eachDay, isSettled, maxDaysPerCall, readingDay, splitIntoCalls, type DayRange } from "../enedis/dates";
import type { IntervalReading, MeterReading, MeteringKind, ReadingType } from "../enedis/types";
import { AppError } from "../http/errors";
import { countRequest } from "../limits/quota";
import { isCompleteDay } from "./completeness";
import type { CacheStatus, MirrorAnswer, MirrorContext } from "./context";
import { cacheTtlSeconds, callEnedis } from "./policy";
import { withApplicationToken } from "../enedis/app-token";

/** One cached day of one series: its readings plus what the v5 envelope needs to be rebuilt. */
interface CachedDay {
  quality: string;
  reading_type: ReadingType;
  readings: IntervalReading[];
}

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
  const slot: CacheSlot = { env, userId: caller.userId, usagePointId: pdl.usagePointId, kind, dataKey: caller.dataKey };
  const days = eachDay(range.start, range.end);
  const cached = opts.useCache ? await readDays<CachedDay>(slot, days) : new Map<string, CachedDay>();
  const missing = days.filter((d) => !cached.has(d));
  const quota = (ctx.counted = await countRequest(env, caller.userId, missing.length === 0 ? "cached" : "no_cache"));

  const fetched = new Map<string, CachedDay>();
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
            // "no data" for one stretch (meter silent that week) is a gap, not a failure of the whole request;
            // a period with no reading at all is answered NO_DATA below
            if (error instanceof AppError && error.code === "NO_DATA") return;
            throw error;
          }
          const byDay = groupByDay(kind, answer, call);
          await writeDays(
            slot,
            [...byDay].filter(([day, d]) => isCompleteDay(kind, day, d.readings)).map(([day, value]) => ({ day, value, ttlSeconds: cacheTtlSeconds(isSettled(day, new Date())) })),
          );
          for (const [day, value] of byDay) fetched.set(day, value);
        });
      }),
    );
  }

  const parts = days.map((d) => cached.get(d) ?? fetched.get(d)).filter((d): d is CachedDay => !!d);
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
  const slot: CacheSlot = { env: ctx.env, userId: ctx.caller.userId, usagePointId: ctx.pdl.usagePointId, kind, dataKey: ctx.caller.dataKey };
  const days = eachDay(range.start, range.end);
  const cached = await readDays<CachedDay>(slot, days);
  return days.flatMap((d) => cached.get(d)?.readings ?? []);
}

function groupByDay(kind: MeteringKind, answer: MeterReading, call: DayRange): Map<string, CachedDay> {
  const byDay = new Map<string, CachedDay>();
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
