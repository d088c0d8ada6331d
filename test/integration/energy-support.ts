// Shared steps of the energy page's integration tests: a fresh account that consented for a simulated household.
import { env } from "cloudflare:workers";
import { Browser, call } from "../support/http";
import { consent } from "../support/consent";

export const PDL = { martin: "09100000000001", petit: "09300000000001", leroy: "09400000000001", durand: "09200000000001" } as const;

/** Any earlier holder of the household's PDLs is dropped, so each test file can consent again. */
export async function household(name: keyof typeof PDL) {
  const { SIMULATED_HOUSEHOLDS } = await import("../../src/simulator/households");
  const ids = SIMULATED_HOUSEHOLDS.find((h) => h.id === name)!.usagePoints.map((p) => p.id);
  await env.DB.prepare(`DELETE FROM usage_points WHERE usage_point_id IN (${ids.map(() => "?").join(",")})`).bind(...ids).run();
  const browser = new Browser();
  await browser.signup();
  await consent(browser, name);
  return { browser, pdl: PDL[name], energy: (query = "", headers: Record<string, string> = {}) => browser.fetch(`/dashboard/pdl/${PDL[name]}/energie${query}`, { headers }) };
}

/** The account's quota use, as the dashboard's session sees it. */
export async function usage(browser: Browser) {
  const res = await browser.fetch("/api/accounts/usage-stats");
  return ((await res.json()) as { data: { no_cache_requests: number; cached_requests: number } }).data;
}

export const simulatorCalls = async () => {
  const stats = (await (await call("/simulator/_control/stats")).json()) as { total?: number; calls?: Record<string, number> };
  return stats.total ?? Object.values(stats.calls ?? {}).reduce((a, b) => a + b, 0);
};

/** The `data-key`s of the bars of one chart (by its id) in a page. */
export function barKeys(html: string, chartId: string): string[] {
  const start = html.indexOf(`id="${chartId}"`);
  if (start < 0) return [];
  const svg = html.slice(start, html.indexOf("</svg>", start));
  return [...svg.matchAll(/data-key="([^"]+)"/g)].map((m) => m[1]);
}

/** The text of the element with this id (tags stripped), for assertions on French sentences. */
export function textOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return "";
  const open = html.lastIndexOf("<", start);
  const tag = /^<(\w+)/.exec(html.slice(open))![1];
  const end = html.indexOf(`</${tag}>`, start);
  return html.slice(html.indexOf(">", start) + 1, end).replace(/<[^>]+>/g, " ").replace(/&#39;/g, "'").replace(/[ \t\r\n]+/g, " ").trim();
}
