// Part 2: Enedis calls the gateway makes for typical workloads, against the fewest Enedis's per-call limits
// allow (365 days per daily call, 7 days per load-curve call), counted by the simulator itself.
import { addDays, todayInParis } from "./dates.mjs";
import { readSimulatorStats, resetSimulatorStats } from "./simulator-stats.mjs";

/** @typedef {{ kind: "daily" | "detail", start: string, end: string }} Read */

/** The workloads, with the minimum number of Enedis calls each needs given what the cache already holds. */
export function workloads(today = todayInParis()) {
  const D = (n) => addDays(today, -n);
  const year = { kind: "daily", start: D(365), end: today };
  const month = { kind: "detail", start: D(40), end: D(10) };
  const twoMonths = { kind: "detail", start: D(70), end: D(10) };
  return [
    { name: "(a) a year of daily consumption (365 days)", reads: [year], minimum: 1 },
    { name: "(b1) 30 days of load curve", reads: [month], minimum: Math.ceil(30 / 7) },
    { name: "(b2) 60 days of load curve, overlapping (b1) by 30", reads: [twoMonths], minimum: Math.ceil(30 / 7) },
    { name: "(c) (a) + (b1) + (b2) again", reads: [year, month, twoMonths], minimum: 0 },
  ];
}

async function read(baseUrl, clientSecret, usagePointId, { kind, start, end }) {
  const res = await fetch(new URL(`/api/enedis/consumption/${kind}/${usagePointId}?start=${start}&end=${end}`, baseUrl), {
    headers: { Authorization: `Bearer ${clientSecret}` },
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`GET consumption/${kind} ${start}…${end} answered ${res.status} ${body?.error?.code ?? ""}`);
  return { status: res.status, cache: res.headers.get("X-Cache-Status"), readings: body.data.meter_reading.interval_reading.length };
}

/** @param {{ baseUrl: string, clientSecret: string, usagePointId: string, log: (line: string) => void }} opts */
export async function measureEnedisCalls({ baseUrl, clientSecret, usagePointId, log }) {
  const rows = [];
  for (const workload of workloads()) {
    await resetSimulatorStats(baseUrl);
    const started = performance.now();
    const answers = [];
    for (const r of workload.reads) answers.push(await read(baseUrl, clientSecret, usagePointId, r));
    const elapsedMs = performance.now() - started;
    const stats = await readSimulatorStats(baseUrl);
    const row = {
      workload: workload.name,
      ranges: workload.reads.map((r) => `${r.kind} ${r.start}…${r.end}`),
      dataCalls: stats.dataCalls,
      minimum: workload.minimum,
      tokenCalls: stats.tokenCalls,
      throttledBySimulator: stats.throttled,
      cacheStatus: answers.map((a) => a.cache).join(","),
      readings: answers.map((a) => a.readings),
      elapsedMs: Math.round(elapsedMs),
    };
    rows.push(row);
    log(
      `  ${row.workload.padEnd(52)} data calls ${String(row.dataCalls).padStart(3)}  minimum ${String(row.minimum).padStart(3)}  ` +
        `token calls ${row.tokenCalls}  X-Cache-Status ${row.cacheStatus}  ${row.elapsedMs} ms`,
    );
  }
  return rows;
}
