#!/usr/bin/env node
// `npm run bench`: starts a fresh `wrangler dev` (simulator mode, its own temporary state), then measures and prints
//   1. cache-hit throughput of a mirror route against GET /health, under autocannon load from this process;
//   2. Enedis calls made for typical workloads against the minimum possible, counted by the simulator;
//   3. what reaches Enedis when demand exceeds ENEDIS_RATE_LIMIT (polled simulator counters).
// Ends with one JSON summary line. wrangler is always stopped, on error and on Ctrl-C too. docs/benchmark.md explains the figures.
import { readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { accountWithConsent } from "./bench/accounts.mjs";
import { measureBudgetBurst } from "./bench/budget-burst.mjs";
import { latencyLadder, measureCacheThroughput } from "./bench/cache-throughput.mjs";
import { daysAgo } from "./bench/dates.mjs";
import { measureEnedisCalls } from "./bench/enedis-calls.mjs";
import { copySwaggerUi, ensureDevVars } from "./prepare-local.mjs";
import { startWranglerDev } from "./wrangler-dev.mjs";

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
// Each route gets ROUNDS × ROUND_SEC of measured load, in alternating rounds (health, mirror, health, mirror).
const ROUND_SEC = Number(process.env.BENCH_ROUND_SEC ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP_SEC = 2;
const LADDER_SEC = 3;
const BURST_REQUESTS = Number(process.env.BENCH_BURST ?? 60);
const RATE_LIMIT = 5;

// One household per part, so neither the cache nor the quotas of one part touch another.
const THROUGHPUT = { household: "martin", usagePointId: "09100000000001" };
const CALLS = { household: "durand", usagePointId: "09200000000001" };
const BURST = { household: "petit", usagePointId: "09300000000001" };

// The quotas are raised so they never cut a run: the benchmark measures the gateway, not the per-account quota.
const BENCH_VARS = {
  ENEDIS_ENV: "simulator",
  ENEDIS_API_MODE: "new",
  ENEDIS_RATE_LIMIT: String(RATE_LIMIT),
  USER_DAILY_LIMIT_WITH_CACHE: "10000000",
  USER_DAILY_LIMIT_NO_CACHE: "100000",
};

const log = (line = "") => console.log(line);
const fmt = (n, digits = 0) => (n === null || n === undefined ? "n/a" : Number(n).toFixed(digits));

/** A port nobody listens on right now (the OS picks it), so a running `npm start` on 8000 is never disturbed. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function printThroughput(t) {
  const line = (name, r) =>
    `  ${name.padEnd(8)} ${fmt(r.reqPerSec).padStart(6)} req/s (rounds: ${r.roundsReqPerSec.join(", ")})   p50 ${fmt(r.latencyMs.p50)} ms   p99 ${fmt(r.latencyMs.p99)} ms   ` +
    `${r.requests} requests, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}`;
  log(line("/health", t.health));
  log(line("mirror", t.mirror));
  log(`  mirror / health throughput ratio: ${fmt(t.ratio, 2)}`);
  const statuses = Object.entries(t.mirror.cacheStatuses).map(([k, v]) => `${k} ${v}`).join(", ");
  log(`  X-Cache-Status of every mirror answer: ${statuses} → ${t.allHit ? "all HIT" : "NOT all HIT"}`);
}

function printCalls(rows) {
  log(`  ${"workload".padEnd(52)} ${"calls".padStart(5)} ${"min".padStart(5)}  verdict`);
  for (const r of rows) {
    const verdict = r.dataCalls === r.minimum ? "= minimum" : `${r.dataCalls - r.minimum > 0 ? "+" : ""}${r.dataCalls - r.minimum} vs minimum`;
    log(`  ${r.workload.padEnd(52)} ${String(r.dataCalls).padStart(5)} ${String(r.minimum).padStart(5)}  ${verdict}`);
  }
  const tokens = rows.reduce((n, r) => n + r.tokenCalls, 0);
  log(`  token endpoint (${"/oauth2/v3/token"}) calls during these workloads: ${tokens} (not counted above)`);
  const throttled = rows.reduce((n, r) => n + r.throttledBySimulator, 0);
  if (throttled) log(`  WARNING: the simulator throttled ${throttled} of these calls`);
}

function printBurst(b) {
  log(`  answers: ${b.ok} × 200, ${b.enedisBusy.total} × ENEDIS_BUSY (${b.enedisBusy.status429} × 429, ${b.enedisBusy.status503} × 503; ` +
    `${b.enedisBusy.withRetryAfter} with Retry-After, values ${b.enedisBusy.retryAfterSec.join("/") || "-"} s), other errors: ${b.otherErrors.length ? b.otherErrors.join(", ") : "none"}`);
  log(`  total time: ${fmt(b.totalMs / 1000, 2)} s until the last answer (last 200 at ${fmt(b.lastOkMs / 1000, 2)} s)`);
  log(`  Enedis calls received by the simulator: ${b.simulator.total} (${b.simulator.dataCalls} data, ${b.simulator.tokenCalls} token); throttled by the simulator (> ${RATE_LIMIT} in a sliding second, its own clock): ${b.simulator.throttled}`);
  log(`  most calls seen in any 1 s window (polled every 100 ms, median poll round trip ${b.polling.medianRttMs} ms): ${b.busiestOneSecondWindow.calls} ` +
    `(between ${fmt(b.busiestOneSecondWindow.fromMs / 1000, 2)} s and ${fmt(b.busiestOneSecondWindow.toMs / 1000, 2)} s) — limit ${RATE_LIMIT}`);
  log(`  calls per whole second since the burst started: [${b.callsPerWholeSecond.join(", ")}]`);
  log(`  calls/s achieved: ${fmt(b.callsPerSecondBetweenFirstAndLastCall, 2)} between the first and the last call; ${fmt(b.callsPerSecondOverBurst, 2)} over the whole burst`);
}

async function main() {
  const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
  ensureDevVars();
  copySwaggerUi();
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const vars = { ...BENCH_VARS, ENEDIS_REDIRECT_URI: `${baseUrl}/oauth/callback` };

  log(`linky-gateway benchmark — ${new Date().toISOString()}`);
  log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${os.platform()} ${os.release()}`);
  // Everything (autocannon, wrangler, workerd) shares these CPUs: a busy machine lowers every figure below.
  log(`load average before the run: ${loadBefore.join(" ")}`);
  log(`wrangler dev on ${baseUrl} (fresh temporary state) with --var ${Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(" ")}`);
  log("  (USER_DAILY_LIMIT_* are raised so the per-account quotas never cut the run.)");
  const started = performance.now();
  const server = await startWranglerDev({ port, vars });
  let stopping;
  const stop = () => (stopping ??= server.stop());
  const onSignal = async () => {
    await stop();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    log(`  ready in ${fmt((performance.now() - started) / 1000, 1)} s; log: ${server.logFile}`);
    const [tAccount, cAccount, bAccount] = await Promise.all([THROUGHPUT, CALLS, BURST].map((p) => accountWithConsent(baseUrl, p.household)));
    log(`  accounts signed up and consented: ${THROUGHPUT.household} (part 1), ${CALLS.household} (part 2), ${BURST.household} (part 3)`);

    log("");
    log(`1. Cache-hit throughput: mirror daily consumption (30 days, cached) vs GET /health — autocannon, ${CONNECTIONS} connections, ${ROUNDS * ROUND_SEC} s each`);
    const throughput = await measureCacheThroughput({
      baseUrl,
      loadUrl: `http://127.0.0.1:${port}`,
      clientSecret: tAccount.clientSecret,
      usagePointId: THROUGHPUT.usagePointId,
      range: daysAgo(40, 10),
      connections: CONNECTIONS,
      roundSec: ROUND_SEC,
      rounds: ROUNDS,
      warmupSec: WARMUP_SEC,
      log,
    });
    printThroughput(throughput);

    log("");
    log(`1b. Where a cache hit's time goes: one connection, ${LADDER_SEC} s per step, each step adding work to the previous one`);
    const ladder = await latencyLadder({
      baseUrl,
      loadUrl: `http://127.0.0.1:${port}`,
      clientSecret: tAccount.clientSecret,
      usagePointId: THROUGHPUT.usagePointId,
      durationSec: LADDER_SEC,
      log,
    });

    log("");
    log(`2. Enedis calls per workload (${CALLS.household} ${CALLS.usagePointId}), simulator counters reset before each`);
    const calls = await measureEnedisCalls({ baseUrl, clientSecret: cAccount.clientSecret, usagePointId: CALLS.usagePointId, log });
    printCalls(calls);

    log("");
    log(`3. Demand above the budget (ENEDIS_RATE_LIMIT=${RATE_LIMIT}), ${BURST.household} ${BURST.usagePointId}`);
    const burst = await measureBudgetBurst({ baseUrl, clientSecret: bAccount.clientSecret, usagePointId: BURST.usagePointId, requests: BURST_REQUESTS, log });
    printBurst(burst);

    // One application token for the whole gateway: every fetch the EnedisTokenKeeper makes is logged once by the worker.
    const tokenFetches = readFileSync(server.logFile, "utf8").split("\n").filter((l) => l.includes('"event":"enedis_token_refreshed"')).length;
    log("");
    log(`Enedis application token fetched ${tokenFetches} time(s) during the whole run — 3 accounts, 3 PDLs, every request above (goal: 1 per token lifetime, whatever the number of PDLs)`);

    // What the figures must show for the gateway to keep its promises (printed, not enforced: timings are noisy).
    const checks = {
      everyMirrorAnswerWasHit: throughput.allHit,
      noErrorsUnderLoad: throughput.health.non2xx + throughput.mirror.non2xx + throughput.health.errors + throughput.mirror.errors === 0,
      enedisCallsAtMinimum: calls.every((r) => r.dataCalls === r.minimum),
      noTokenCallsInWorkloads: calls.every((r) => r.tokenCalls === 0),
      oneApplicationTokenForTheRun: tokenFetches <= 1,
      busiestPolledSecondWithinLimit: burst.busiestOneSecondWindow.calls <= RATE_LIMIT,
      simulatorNeverThrottled: burst.simulator.throttled === 0,
      everyRefusalHasRetryAfter: burst.enedisBusy.withRetryAfter === burst.enedisBusy.total && burst.otherErrors.length === 0,
    };
    log("");
    log("checks:");
    for (const [name, ok] of Object.entries(checks)) log(`  ${ok ? "ok    " : "FAILED"} ${name}`);

    const summary = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      loadAverageBefore: loadBefore,
      settings: { connections: CONNECTIONS, secondsPerRoute: ROUNDS * ROUND_SEC, rounds: ROUNDS, burstRequests: BURST_REQUESTS, vars: BENCH_VARS },
      cacheThroughput: {
        healthReqPerSec: Math.round(throughput.health.reqPerSec),
        mirrorReqPerSec: Math.round(throughput.mirror.reqPerSec),
        ratio: Number(throughput.ratio.toFixed(3)),
        health: throughput.health,
        mirror: throughput.mirror,
        allHit: throughput.allHit,
      },
      latencyLadder: ladder,
      checks,
      applicationTokenFetches: tokenFetches,
      enedisCalls: calls,
      budgetBurst: burst,
      runSec: Number(((performance.now() - started) / 1000).toFixed(1)),
    };
    log("");
    log(`done in ${summary.runSec} s`);
    log("SUMMARY " + JSON.stringify(summary));
  } finally {
    await stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

main().catch((error) => {
  console.error(`bench: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
