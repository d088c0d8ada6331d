// The simulator's call counters (GET /simulator/_control/stats): every request Enedis (simulated) received,
// per path, including those it throttled. The token endpoint is reported apart from data calls.

export const TOKEN_PATH = "/oauth2/v3/token";

export async function resetSimulatorStats(baseUrl) {
  const res = await fetch(new URL("/simulator/_control/reset", baseUrl), { method: "POST" });
  if (res.status !== 200) throw new Error(`POST /simulator/_control/reset answered ${res.status}`);
}

/** @returns {Promise<{ total: number, throttled: number, tokenCalls: number, dataCalls: number, byPath: Record<string, number>, arrivalsMs: number[] }>} */
export async function readSimulatorStats(baseUrl) {
  const res = await fetch(new URL("/simulator/_control/stats", baseUrl));
  if (res.status !== 200) throw new Error(`GET /simulator/_control/stats answered ${res.status}`);
  const stats = await res.json();
  const tokenCalls = stats.by_path[TOKEN_PATH] ?? 0;
  return { total: stats.total, throttled: stats.throttled, tokenCalls, dataCalls: stats.total - tokenCalls, byPath: stats.by_path, arrivalsMs: stats.arrivals_ms ?? [] };
}
