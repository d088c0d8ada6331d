// Part 3: demand above Enedis's budget. Many no-cache requests at once, each needing exactly one Enedis call
// (one day of load curve); the simulator's arrival times (its own clock) show how fast and how evenly calls reach Enedis.
import { addDays, todayInParis } from "./dates.mjs";
import { readSimulatorStats, resetSimulatorStats } from "./simulator-stats.mjs";

const WINDOW_MS = 1000;

/**
 * Most arrivals in any interval of WINDOW_MS, sliding (not whole-second buckets): two calls less than WINDOW_MS apart
 * share a window. That is the simulator's own rule (it throttles a call when 5 others arrived in the last 1000 ms).
 */
export function busiestWindow(arrivals, windowMs = WINDOW_MS) {
  let best = { calls: 0, fromMs: 0, toMs: 0 };
  let first = 0;
  for (let last = 0; last < arrivals.length; last++) {
    while (arrivals[last] - arrivals[first] >= windowMs) first++;
    if (last - first + 1 > best.calls) best = { calls: last - first + 1, fromMs: arrivals[first], toMs: arrivals[last] };
  }
  return best;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
};

/**
 * How evenly the budget's starts reached Enedis. Under overload the budget grants one start every `spacing` ms
 * (the median gap between arrivals), so arrival i lags its slot by d_i = a_i − a_0 − i × spacing + const.
 * - delaySpreadMs: max d − min d over the burst (assumes the slots were contiguous, which overload makes true;
 *   a slot left unused would only inflate it);
 * - worstCompressionMs: max over i of (limit × spacing − (a_{i+limit} − a_i)) = d_i − d_{i+limit}, how much closer
 *   than planned limit + 1 consecutive arrivals came. It is what the budget's jitter margin must exceed: with
 *   limit × spacing = 1 s + margin, a window of 1 s never holds limit + 1 calls while compression < margin.
 * - tightestSpanMs: min over i of a_{i+limit} − a_i (≥ 1000 means no second ever saw more than `limit`).
 */
export function pacing(arrivals, limit) {
  const gaps = arrivals.slice(1).map((a, i) => a - arrivals[i]);
  const spacing = median(gaps);
  if (spacing === null || arrivals.length <= limit) return { spacingMs: spacing, gapMs: gaps.length ? { min: Math.min(...gaps), max: Math.max(...gaps) } : null, delaySpreadMs: null, worstCompressionMs: null, tightestSpanMs: null };
  const lags = arrivals.map((a, i) => a - arrivals[0] - i * spacing);
  let worstCompression = -Infinity;
  let tightestSpan = Infinity;
  for (let i = 0; i + limit < arrivals.length; i++) {
    const span = arrivals[i + limit] - arrivals[i];
    tightestSpan = Math.min(tightestSpan, span);
    worstCompression = Math.max(worstCompression, limit * spacing - span);
  }
  return {
    spacingMs: spacing,
    gapMs: { min: Math.min(...gaps), max: Math.max(...gaps) },
    delaySpreadMs: Math.max(...lags) - Math.min(...lags),
    worstCompressionMs: worstCompression,
    tightestSpanMs: tightestSpan,
  };
}

/** Calls that arrived in each whole second since the burst started (the "histogram" of arrivals). */
function perSecond(arrivals, t0) {
  const seconds = [];
  for (const a of arrivals) {
    const s = Math.max(0, Math.floor((a - t0) / 1000));
    while (seconds.length <= s) seconds.push(0);
    seconds[s]++;
  }
  return seconds;
}

/** @param {{ baseUrl: string, clientSecret: string, usagePointId: string, requests: number, limit: number, log: (line: string) => void }} opts */
export async function measureBudgetBurst({ baseUrl, clientSecret, usagePointId, requests, limit, log }) {
  const today = todayInParis();
  // Different single days well inside the load-curve history: each one is one Enedis call, nothing shared.
  const days = Array.from({ length: requests }, (_, i) => addDays(today, -(41 + i)));
  await resetSimulatorStats(baseUrl);

  // The simulator stamps arrivals with Date.now() in the same machine's clock: t0 on this side lines them up.
  const t0Epoch = Date.now();
  const t0 = performance.now();
  const outcomes = await Promise.all(
    days.map(async (day) => {
      const url = new URL(`/api/enedis/consumption/detail/${usagePointId}?start=${day}&end=${addDays(day, 1)}&use_cache=false`, baseUrl);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${clientSecret}` } });
      const body = await res.json().catch(() => ({}));
      return { status: res.status, code: body?.error?.code ?? null, retryAfter: res.headers.get("Retry-After"), doneMs: performance.now() - t0 };
    }),
  );
  const totalMs = performance.now() - t0;
  const stats = await readSimulatorStats(baseUrl);
  const arrivals = [...stats.arrivalsMs].sort((a, b) => a - b);

  const ok = outcomes.filter((o) => o.status === 200);
  const busy = outcomes.filter((o) => (o.status === 429 || o.status === 503) && o.code === "ENEDIS_BUSY");
  const busyWithRetryAfter = busy.filter((o) => o.retryAfter !== null && Number(o.retryAfter) > 0);
  const other = outcomes.filter((o) => o.status !== 200 && !busy.includes(o));
  const callSpanMs = arrivals.length > 1 ? arrivals.at(-1) - arrivals[0] : 0;
  const busiest = busiestWindow(arrivals);

  const result = {
    requests,
    totalMs: Math.round(totalMs),
    ok: ok.length,
    lastOkMs: Math.round(Math.max(0, ...ok.map((o) => o.doneMs))),
    enedisBusy: { total: busy.length, status429: busy.filter((o) => o.status === 429).length, status503: busy.filter((o) => o.status === 503).length, withRetryAfter: busyWithRetryAfter.length, retryAfterSec: [...new Set(busy.map((o) => o.retryAfter))].sort() },
    otherErrors: other.map((o) => `${o.status} ${o.code}`),
    simulator: { total: stats.total, dataCalls: stats.dataCalls, tokenCalls: stats.tokenCalls, throttled: stats.throttled, arrivalsRecorded: arrivals.length },
    busiestOneSecondWindow: { calls: busiest.calls, fromMs: busiest.fromMs - t0Epoch, toMs: busiest.toMs - t0Epoch },
    callsPerWholeSecond: perSecond(arrivals, t0Epoch),
    callsPerSecondBetweenFirstAndLastCall: callSpanMs > 0 ? (arrivals.length - 1) / (callSpanMs / 1000) : null,
    callsPerSecondOverBurst: stats.total / (totalMs / 1000),
    // Without the first `limit` arrivals: the burst's first second is when 60 requests are authenticated at once,
    // which on a busy machine delays the first slots' timers; this is the pace the budget holds once they are in.
    callsPerSecondSustained: arrivals.length > limit + 1 ? (arrivals.length - 1 - limit) / ((arrivals.at(-1) - arrivals[limit]) / 1000) : null,
    pacing: pacing(arrivals, limit),
  };
  log(`  ${requests} concurrent use_cache=false requests, one load-curve day each, ${result.totalMs} ms until the last answer`);
  return result;
}
