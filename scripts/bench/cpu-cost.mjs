// Part 1c: what each kind of request COSTS, as CPU time of the workerd processes per request (what Cloudflare
// bills and what the Workers Free plan caps at 10 ms), rather than how fast it comes back.
// Method: a fixed number of sequential requests on one keep-alive connection; the group's CPU ticks are read from
// /proc before and after; the idle CPU of the same processes (measured with no requests) times the same wall time
// is subtracted; the remainder divided by the number of requests is the cost of one request.
import { CLOCK_TICKS_PER_SEC, cpuMeter } from "./process-cpu.mjs";

/** Workers Free plan: a request is stopped after 10 ms of CPU. */
export const FREE_PLAN_CPU_MS = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n) => Number(n).toFixed(1);

/**
 * @typedef {{ key: string, label: string, count: number, warmup?: number, request: (i: number) => { path: string, init?: RequestInit },
 *             expect?: { status?: number, cache?: string } }} CostCase
 *   request(i) gives the i-th request (a MISS needs a fresh range each time); expect checks every answer.
 */

async function send(baseUrl, { path, init }) {
  const res = await fetch(new URL(path, baseUrl), init);
  await res.arrayBuffer();
  return { status: res.status, cache: res.headers.get("X-Cache-Status") };
}

/**
 * Waits until the processes are quiet: a request's work outlives its answer (V8's compiler and garbage-collector
 * threads, waitUntil tasks), so each measurement starts once that has settled, and ends only once its own tail
 * has (the tail is part of what the requests cost). Quiet = at most one clock tick in SETTLE_SAMPLE_MS.
 */
const SETTLE_SAMPLE_MS = 250;
const SETTLE_MAX_MS = 5000;
async function settle(meter, maxMs = SETTLE_MAX_MS) {
  const started = performance.now();
  const deadline = started + maxMs;
  let last = meter.read();
  while (performance.now() < deadline) {
    await sleep(SETTLE_SAMPLE_MS);
    const now = meter.read();
    const busy = now.workerdMs - last.workerdMs + (now.otherMs - last.otherMs);
    last = now;
    if (busy <= 1000 / CLOCK_TICKS_PER_SEC) return { settled: true, afterMs: Math.round(performance.now() - started) };
  }
  return { settled: false, afterMs: Math.round(performance.now() - started) };
}

/** Idle CPU per wall-clock second of the same processes, with no request in flight (once quiet). */
async function idleRate(meter, ms) {
  await settle(meter);
  const before = meter.read();
  await sleep(ms);
  const after = meter.read();
  const sec = (after.atMs - before.atMs) / 1000;
  return { workerdMsPerSec: (after.workerdMs - before.workerdMs) / sec, otherMsPerSec: (after.otherMs - before.otherMs) / sec };
}

/**
 * @param {{ baseUrl: string, pgid: number, cases: CostCase[], warmup?: number, idleMs?: number, log: (line: string) => void }} opts
 * @returns {Promise<{ clockTicksPerSec: number, processes: string[], idle: object, rows: object[] }>}
 */
export async function measureCpuCost({ baseUrl, pgid, cases, warmup = 20, idleMs = 3000, log }) {
  const meter = cpuMeter(pgid);
  log(`  processes measured (wrangler's process group): ${meter.processes.join(", ")}`);
  // Setup work (consents, cache fills, their background tasks) may still be running: wait for it, up to a minute.
  const initial = await settle(meter, 60_000);
  log(`  ${initial.settled ? "quiet" : "STILL BUSY"} after ${fmt(initial.afterMs / 1000)} s of waiting for the setup's background work`);
  const idleBefore = await idleRate(meter, idleMs);
  const rows = [];
  for (const c of cases) {
    // Warm-up outside the measurement (JIT, first connection): not for a MISS, whose every request must be a
    // fresh range, nor where a case sets its own (login: its throttle allows only a few attempts).
    const rounds = c.expect?.cache === "MISS" ? 0 : (c.warmup ?? warmup);
    for (let i = 0; i < rounds; i++) await send(baseUrl, c.request(i));
    const statuses = {};
    let unexpected = 0;
    await settle(meter);
    const before = meter.read();
    for (let i = 0; i < c.count; i++) {
      const r = await send(baseUrl, c.request(i));
      const key = `${r.status}${r.cache ? ` ${r.cache}` : ""}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      if ((c.expect?.status ?? 200) !== r.status || (c.expect?.cache && c.expect.cache !== r.cache)) unexpected++;
    }
    const requestsWallSec = (performance.now() - before.atMs) / 1000;
    await settle(meter);
    const after = meter.read();
    const wallSec = (after.atMs - before.atMs) / 1000;
    const workerdMs = after.workerdMs - before.workerdMs - idleBefore.workerdMsPerSec * wallSec;
    const otherMs = after.otherMs - before.otherMs - idleBefore.otherMsPerSec * wallSec;
    if (after.workerd !== before.workerd) throw new Error(`the workerd processes changed during "${c.label}" (${before.workerd} → ${after.workerd}): wrangler restarted them — was a source file edited during the run?`);
    const row = {
      key: c.key,
      label: c.label,
      requests: c.count,
      wallMsPerRequest: Number(((requestsWallSec * 1000) / c.count).toFixed(2)),
      cpuMsPerRequest: Number((workerdMs / c.count).toFixed(2)),
      wranglerNodeCpuMsPerRequest: Number((otherMs / c.count).toFixed(2)),
      answers: statuses,
      unexpectedAnswers: unexpected,
    };
    rows.push(row);
    log(
      `  ${c.label.padEnd(44)} ${String(c.count).padStart(4)} req  workerd CPU ${row.cpuMsPerRequest.toFixed(2).padStart(7)} ms/req` +
        `  (wrangler node ${row.wranglerNodeCpuMsPerRequest.toFixed(2)})  wall ${row.wallMsPerRequest.toFixed(1)} ms/req  answers ${Object.entries(statuses).map(([k, v]) => `${k} ×${v}`).join(", ")}`,
    );
  }
  const idleAfter = await idleRate(meter, idleMs);
  const base = rows.find((r) => r.key === "healthLive")?.cpuMsPerRequest ?? null;
  for (const r of rows) {
    r.ratioToHealthLive = base ? Number((r.cpuMsPerRequest / base).toFixed(2)) : null;
    r.aboveHealthLiveMs = base !== null ? Number((r.cpuMsPerRequest - base).toFixed(2)) : null;
    // Judged on the cost above the bare route: see the assumption printed with the table (docs/benchmark.md).
    r.freePlanMarginMs = Number((FREE_PLAN_CPU_MS - (r.aboveHealthLiveMs ?? r.cpuMsPerRequest)).toFixed(2));
  }
  const round = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Number(v.toFixed(2))]));
  return { clockTicksPerSec: CLOCK_TICKS_PER_SEC, processes: meter.processes, initialSettle: initial, idle: { before: round(idleBefore), after: round(idleAfter) }, rows };
}
