// Part 3: demand above Enedis's budget. Many no-cache requests at once, each needing exactly one Enedis call
// (one day of load curve); the simulator's counters are polled to see how fast calls actually reach Enedis.
import { addDays, todayInParis } from "./dates.mjs";
import { readSimulatorStats, resetSimulatorStats } from "./simulator-stats.mjs";

const POLL_MS = 100;
const WINDOW_MS = 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the simulator's total until `done()`; each sample is stamped at the middle of its round trip. */
async function pollCalls(baseUrl, t0, done) {
  const samples = [];
  while (!done()) {
    const sent = performance.now();
    const stats = await readSimulatorStats(baseUrl);
    const received = performance.now();
    samples.push({ t: (sent + received) / 2 - t0, rtt: received - sent, total: stats.total });
    await sleep(Math.max(0, POLL_MS - (performance.now() - sent)));
  }
  return samples;
}

/** Most calls between two samples at most WINDOW_MS apart (client clock; each sample ± half its round trip). */
function busiestWindow(samples) {
  let best = { calls: 0, fromMs: 0, toMs: 0 };
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length && samples[j].t - samples[i].t <= WINDOW_MS; j++) {
      const calls = samples[j].total - samples[i].total;
      if (calls > best.calls) best = { calls, fromMs: Math.round(samples[i].t), toMs: Math.round(samples[j].t) };
    }
  }
  return best;
}

/** Calls seen in each whole second since the burst started (the "histogram" of arrivals). */
function perSecond(samples) {
  const seconds = [];
  let previous = 0;
  for (let s = 1; ; s++) {
    const last = samples.filter((x) => x.t <= s * 1000).at(-1);
    if (!last) break;
    seconds.push(last.total - previous);
    previous = last.total;
    if (last === samples.at(-1)) break;
  }
  return seconds;
}

/** @param {{ baseUrl: string, clientSecret: string, usagePointId: string, requests: number, log: (line: string) => void }} opts */
export async function measureBudgetBurst({ baseUrl, clientSecret, usagePointId, requests, log }) {
  const today = todayInParis();
  // Different single days well inside the load-curve history: each one is one Enedis call, nothing shared.
  const days = Array.from({ length: requests }, (_, i) => addDays(today, -(41 + i)));
  await resetSimulatorStats(baseUrl);

  let finished = false;
  const t0 = performance.now();
  const poller = pollCalls(baseUrl, t0, () => finished);
  const outcomes = await Promise.all(
    days.map(async (day) => {
      const url = new URL(`/api/enedis/consumption/detail/${usagePointId}?start=${day}&end=${addDays(day, 1)}&use_cache=false`, baseUrl);
      const res = await fetch(url, { headers: { Authorization: `Bearer ${clientSecret}` } });
      const body = await res.json().catch(() => ({}));
      return { status: res.status, code: body?.error?.code ?? null, retryAfter: res.headers.get("Retry-After"), doneMs: performance.now() - t0 };
    }),
  );
  const totalMs = performance.now() - t0;
  // a last sample after the final answer, so every call is in the series
  await sleep(POLL_MS);
  finished = true;
  const samples = await poller;
  const stats = await readSimulatorStats(baseUrl);

  const ok = outcomes.filter((o) => o.status === 200);
  const busy = outcomes.filter((o) => (o.status === 429 || o.status === 503) && o.code === "ENEDIS_BUSY");
  const busyWithRetryAfter = busy.filter((o) => o.retryAfter !== null && Number(o.retryAfter) > 0);
  const other = outcomes.filter((o) => o.status !== 200 && !busy.includes(o));
  const firstCall = samples.find((s) => s.total > 0);
  const lastCall = samples.find((s) => s.total === stats.total);
  const callSpanMs = firstCall && lastCall ? lastCall.t - firstCall.t : 0;
  const busiest = busiestWindow(samples);

  const result = {
    requests,
    totalMs: Math.round(totalMs),
    ok: ok.length,
    lastOkMs: Math.round(Math.max(0, ...ok.map((o) => o.doneMs))),
    enedisBusy: { total: busy.length, status429: busy.filter((o) => o.status === 429).length, status503: busy.filter((o) => o.status === 503).length, withRetryAfter: busyWithRetryAfter.length, retryAfterSec: [...new Set(busy.map((o) => o.retryAfter))].sort() },
    otherErrors: other.map((o) => `${o.status} ${o.code}`),
    simulator: { total: stats.total, dataCalls: stats.dataCalls, tokenCalls: stats.tokenCalls, throttled: stats.throttled },
    busiestOneSecondWindow: busiest,
    callsPerWholeSecond: perSecond(samples),
    callsPerSecondBetweenFirstAndLastCall: callSpanMs > 0 ? (stats.total - 1) / (callSpanMs / 1000) : null,
    callsPerSecondOverBurst: stats.total / (totalMs / 1000),
    polling: { samples: samples.length, medianRttMs: Math.round(samples.map((s) => s.rtt).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0) },
  };
  log(`  ${requests} concurrent use_cache=false requests, one load-curve day each, ${result.totalMs} ms until the last answer`);
  return result;
}
