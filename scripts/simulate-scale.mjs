#!/usr/bin/env node
// `npm run simulate:scale` — a benchmark, not a test: how many households one Enedis application can serve.
// Bundles scripts/scale/*.ts (the real BudgetLedger and src/sync/plan.ts) with esbuild, runs each scenario inside
// workerd (Miniflare) so the ledger works over a Durable Object's real SQLite, with a virtual clock (no waiting),
// then prints one table. docs/scale.md explains the model and the figures.
//   SCALE_N=1000,5000,20000   households per scenario (each is run with sync off and on)
//   SCALE_SEED=9              PRNG seed (same seed, same results)
//   SCALE_STEP=500            resolution of the search for the largest N served (0: no search)
import { build } from "esbuild";
import { Miniflare } from "miniflare";

const sizes = (process.env.SCALE_N ?? "1000,5000,20000").split(",").map(Number);
const seed = Number(process.env.SCALE_SEED ?? 9);
const step = Number(process.env.SCALE_STEP ?? 500);
// Enedis's limits as the gateway is configured by default (wrangler.toml [vars]).
const limits = {
  perSecond: Number(process.env.ENEDIS_RATE_LIMIT ?? 5),
  perHourPerApi: Number(process.env.ENEDIS_HOURLY_LIMIT ?? 1000),
  syncShare: Number(process.env.SYNC_BUDGET_SHARE ?? 0.5),
};
const DAY = "2026-10-07"; // a Wednesday, summer time; the warm-up day is the Tuesday before

const bundle = await build({
  entryPoints: [new URL("./scale/worker.ts", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  external: ["cloudflare:workers"],
  write: false,
  logLevel: "warning",
});

const mf = new Miniflare({
  modules: true,
  script: bundle.outputFiles[0].text,
  compatibilityDate: "2026-04-26",
  durableObjects: { SIM: { className: "ScaleSimulation", useSQLite: true } },
});

const pct = (x) => `${(100 * x).toFixed(1)} %`;
const rows = [];
const started = Date.now();

async function scenario(households, sync) {
  const t0 = Date.now();
  const res = await mf.dispatchFetch(`http://scale.internal/?scenario=${households}-${sync}`, {
    method: "POST",
    body: JSON.stringify({ households, sync, seed, limits, day: DAY }),
  });
  if (!res.ok) throw new Error(`scenario ${households}/${sync}: HTTP ${res.status} ${await res.text()}`);
  const r = await res.json();
  r.seconds = (Date.now() - t0) / 1000;
  process.stderr.write(`N=${households} sync=${sync ? "on" : "off"}: ${r.seconds.toFixed(1)} s\n`);
  return r;
}

/** "Served" for the verdict: nearly every client request answered, and (sync on) nearly every D-1 cached by 21:00. */
const serves = (r) => r.served / r.requests >= 0.99 && (!r.sync || r.yesterdayAt21 >= 0.99);
const largest = {};
try {
  for (const households of sizes) for (const sync of [false, true]) rows.push(await scenario(households, sync));
  // Bisect between the largest N served and the smallest that is not, to `step` households.
  for (const sync of [false, true]) {
    const mine = rows.filter((r) => r.sync === sync);
    let lo = Math.max(0, ...mine.filter(serves).map((r) => r.households));
    let hi = Math.min(Infinity, ...mine.filter((r) => !serves(r) && r.households > lo).map((r) => r.households));
    while (step > 0 && Number.isFinite(hi) && hi - lo > step) {
      const mid = Math.round((lo + hi) / 2 / step) * step;
      if (mid <= lo || mid >= hi) break;
      const r = await scenario(mid, sync);
      rows.push(r);
      if (serves(r)) lo = mid;
      else hi = mid;
    }
    largest[sync] = { lo, hi };
  }
} finally {
  await mf.dispose();
}

rows.sort((a, b) => a.households - b.households || Number(a.sync) - Number(b.sync));
console.log(`\nEnedis limits: ${limits.perSecond}/s, ${limits.perHourPerApi}/h per API; SYNC_BUDGET_SHARE ${limits.syncShare}; seed ${seed}; measured day ${DAY} (after a warm-up day)\n`);
const header = ["households", "sync", "requests served", "ENEDIS_BUSY (429/503)", "cache hits", "freshness at 09:00 p50/p95", "D-1 cached at 21:00", "Enedis calls/household/day (sync)", "peak hour of budget", "served?"];
const lines = rows.map((r) => [
  r.households,
  r.sync ? "on" : "off",
  pct(r.served / r.requests),
  `${pct((r.busy429 + r.busy503) / r.requests)} (${r.busy429}/${r.busy503})`,
  pct(r.cacheHits / r.requests),
  `${r.freshnessP50H.toFixed(0)} h / ${r.freshnessP95H.toFixed(0)} h`,
  pct(r.yesterdayAt21),
  `${((r.interactiveCalls + r.syncCalls) / r.households).toFixed(2)} (${(r.syncCalls / r.households).toFixed(2)})`,
  pct(r.peakHourUse),
  serves(r) ? "yes" : "no",
]);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map(() => "---").join(" | ")} |`);
for (const l of lines) console.log(`| ${l.join(" | ")} |`);
for (const sync of [false, true]) {
  const { lo, hi } = largest[sync];
  console.log(`sync ${sync ? "on " : "off"}: largest N served: ${lo || "below the smallest run"}${Number.isFinite(hi) ? ` (not ${hi})` : " (or more)"}`);
}
console.log(`\nreservations per scenario: ${rows.map((r) => `${r.households}/${r.sync ? "on" : "off"} ${r.reservations}`).join(", ")}`);
console.log(`run time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
