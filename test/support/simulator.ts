import { call } from "./http";

/** A lever of the simulated Enedis (`/simulator/_control/*`, docs/simulator.md). */
export const simulatorControl = (lever: string, body: unknown = {}) =>
  call(`/simulator/_control/${lever}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** Data calls the simulated Enedis received since its last reset (the application token's own call is not one). */
export async function enedisDataCalls(): Promise<number> {
  const stats = (await (await call("/simulator/_control/stats")).json()) as { by_path: Record<string, number> };
  return Object.entries(stats.by_path).filter(([path]) => !path.includes("oauth2")).reduce((n, [, calls]) => n + calls, 0);
}
