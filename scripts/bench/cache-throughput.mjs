// Part 1: throughput of cache-hit mirror reads against the bare route GET /health/live, same worker, same
// `wrangler dev`, loaded by autocannon from this (separate) Node process. Then a one-connection latency ladder
// that shows where a cache hit's time goes (authentication, ownership lookup, cache read per day).
import autocannon from "autocannon";
import { addDays, todayInParis } from "./dates.mjs";

const header = (headers, name) => {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
};

/** Nearest-rank percentile of sorted latencies, to 0.1 ms. */
const percentile = (sorted, p) =>
  sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] * 10) / 10 : null;

/** Accumulates several autocannon runs of one route: every answer's latency, status and X-Cache-Status. */
class Tally {
  latencies = [];
  durationSec = 0;
  non2xx = 0;
  errors = 0;
  timeouts = 0;
  cacheStatuses = {};
  roundsReqPerSec = [];

  summary() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const requests = sorted.length;
    return {
      requests,
      durationSec: Number(this.durationSec.toFixed(2)),
      reqPerSec: requests / this.durationSec,
      roundsReqPerSec: this.roundsReqPerSec.map(Math.round),
      latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) },
      non2xx: this.non2xx,
      errors: this.errors,
      timeouts: this.timeouts,
      cacheStatuses: this.cacheStatuses,
    };
  }
}

/** One autocannon run on one path, added to `tally` (or thrown away when tally is undefined: warm-up). */
async function load(url, path, { headers = {}, connections, durationSec, tally }) {
  let answers = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationSec,
    setupClient: (client) =>
      client.on("response", (_status, _bytes, responseTimeMs) => {
        answers++;
        tally?.latencies.push(responseTimeMs);
      }),
    requests: [
      {
        method: "GET",
        path,
        headers,
        onResponse: (_status, _body, _context, responseHeaders) => {
          if (!tally) return;
          const status = header(responseHeaders, "x-cache-status") ?? "none";
          tally.cacheStatuses[status] = (tally.cacheStatuses[status] ?? 0) + 1;
        },
      },
    ],
  });
  if (!tally) return;
  tally.durationSec += result.duration;
  tally.non2xx += result.non2xx;
  tally.errors += result.errors;
  tally.timeouts += result.timeouts;
  tally.roundsReqPerSec.push(answers / result.duration);
}

async function getOk(url, headers) {
  const res = await fetch(url, { headers });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}: ${body.slice(0, 300)}`);
  return { cacheStatus: res.headers.get("X-Cache-Status"), body };
}

export const mirrorPathFor = (usagePointId, range, kind = "daily") => `/api/enedis/consumption/${kind}/${usagePointId}?start=${range.start}&end=${range.end}`;

/**
 * Fills the cache for a mirror path and checks the next answer is a HIT.
 * @returns {Promise<{ readings: number, first: string | null }>}
 */
export async function warmMirror(baseUrl, path, headers) {
  const first = await getOk(new URL(path, baseUrl), headers);
  const second = await getOk(new URL(path, baseUrl), headers);
  if (second.cacheStatus !== "HIT") throw new Error(`the cache did not answer HIT after warm-up of ${path.split("?")[0]} (X-Cache-Status: ${second.cacheStatus})`);
  return { readings: JSON.parse(second.body).data.meter_reading.interval_reading.length, first: first.cacheStatus };
}

/**
 * Throughput of several routes of the same worker under `connections` connections, in alternating rounds
 * (route A, B, C, A, B, C…) so a change in background load hits them all alike.
 * @param {{ loadUrl: string, routes: Array<{ key: string, label: string, path: string, headers?: Record<string, string>, mirror?: boolean }>,
 *           connections: number, roundSec: number, rounds: number, warmupSec: number, log: (line: string) => void }} opts
 *   loadUrl: the server addressed by IP (autocannon connects to one address; "localhost" may mean ::1).
 * @returns {Promise<Record<string, ReturnType<Tally["summary"]> & { label: string, path: string, allHit: boolean | null }>>}
 */
export async function measureThroughput({ loadUrl, routes, connections, roundSec, rounds, warmupSec, log }) {
  // Short unmeasured runs first, so no route pays for JIT or first-connection costs in its figures.
  log(`  ${warmupSec} s unmeasured warm-up per route, then ${rounds} alternating rounds of ${roundSec} s per route, ${connections} connections`);
  for (const r of routes) await load(loadUrl, r.path, { headers: r.headers, connections, durationSec: warmupSec });
  const tallies = routes.map(() => new Tally());
  for (let round = 0; round < rounds; round++) {
    for (const [i, r] of routes.entries()) await load(loadUrl, r.path, { headers: r.headers, connections, durationSec: roundSec, tally: tallies[i] });
  }
  const out = {};
  for (const [i, r] of routes.entries()) {
    const t = tallies[i].summary();
    out[r.key] = { label: r.label, path: r.path, ...t, allHit: r.mirror ? (t.cacheStatuses.HIT ?? 0) === t.requests : null };
  }
  return out;
}

/**
 * One connection, one route after the other: each step adds one piece of a cache hit's work to the previous one.
 * @returns {Promise<Array<{ step: string, path: string, p50Ms: number, p99Ms: number, reqPerSec: number }>>}
 */
export async function latencyLadder({ baseUrl, loadUrl, clientSecret, usagePointId, durationSec, log }) {
  const auth = { Authorization: `Bearer ${clientSecret}` };
  const today = todayInParis();
  const day = (n) => addDays(today, -n);
  const steps = [
    { step: "GET /health/live (no auth, no storage)", path: "/health/live", headers: {} },
    { step: "GET /api/accounts/me (API-key authentication)", path: "/api/accounts/me", headers: auth },
    { step: "GET /api/pdl/{id} (+ PDL ownership lookup)", path: `/api/pdl/${usagePointId}`, headers: auth },
    { step: "mirror HIT, 1 day", path: mirrorPathFor(usagePointId, { start: day(11), end: day(10) }), headers: auth, mirror: true },
    { step: "mirror HIT, 30 days", path: mirrorPathFor(usagePointId, { start: day(40), end: day(10) }), headers: auth, mirror: true },
    { step: "mirror HIT, 365 days", path: mirrorPathFor(usagePointId, { start: day(375), end: day(10) }), headers: auth, mirror: true },
  ];
  const rows = [];
  for (const s of steps) {
    if (s.mirror) {
      await getOk(new URL(s.path, baseUrl), auth); // fill the cache (no-op when already there)
      const check = await getOk(new URL(s.path, baseUrl), auth);
      if (check.cacheStatus !== "HIT") throw new Error(`latency ladder: ${s.step} is not a HIT (${check.cacheStatus})`);
    }
    const tally = new Tally();
    await load(loadUrl, s.path, { headers: s.headers, connections: 1, durationSec: 1 }); // warm-up
    await load(loadUrl, s.path, { headers: s.headers, connections: 1, durationSec, tally });
    const r = tally.summary();
    if (r.non2xx || r.errors) throw new Error(`latency ladder: ${s.step} had ${r.non2xx} non-2xx answers and ${r.errors} errors`);
    rows.push({ step: s.step, path: s.path.replace(usagePointId, "{pdl}"), p50Ms: r.latencyMs.p50, p99Ms: r.latencyMs.p99, reqPerSec: Math.round(r.reqPerSec) });
    log(`  ${s.step.padEnd(48)} p50 ${String(r.latencyMs.p50).padStart(4)} ms   p99 ${String(r.latencyMs.p99).padStart(4)} ms   ${Math.round(r.reqPerSec)} req/s`);
  }
  return rows;
}
