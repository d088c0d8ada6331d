import { Browser, ORIGIN } from "./http";

/**
 * Runs the consent flow the way a browser does: dashboard button → simulated Enedis page → decision →
 * redirect to /oauth/callback → dashboard. Returns the dashboard HTML and the callback URL used.
 */
export async function consent(browser: Browser, household: string, decision: "accept" | "refuse" = "accept") {
  const start = await browser.fetch("/consent", { method: "POST" });
  if (start.status !== 302) throw new Error(`POST /consent answered ${start.status}`);
  const authorize = new URL(start.headers.get("Location")!);
  const params = Object.fromEntries(authorize.searchParams);
  const answer = await browser.form(authorize.pathname, { ...params, household, decision });
  if (answer.status !== 302) throw new Error(`simulated Enedis answered ${answer.status}: ${await answer.text()}`);
  const callback = new URL(answer.headers.get("Location")!);
  const { res, url } = await browser.follow(await browser.fetch(callback.pathname + callback.search));
  return { authorize, callback, dashboardUrl: url, html: await res.text() };
}

export const flashOf = (html: string) => /id="consent-result">([^<]*)</.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? null;
export const pdlIdsOf = (html: string) => [...html.matchAll(/data-usage-point-id="(\d{14})"/g)].map((m) => m[1]);
export { ORIGIN };
