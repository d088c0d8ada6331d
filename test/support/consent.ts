import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import { Browser, ORIGIN, bearer, call } from "./http";

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

/**
 * A callback with a genuine state of this browser's session but an answer the test writes itself (what someone
 * who edits the redirect's URL sends). Returns the dashboard it lands on.
 */
export async function forgedCallback(browser: Browser, answer: Record<string, string>) {
  const start = await browser.fetch("/consent", { method: "POST" });
  if (start.status !== 302) throw new Error(`POST /consent answered ${start.status}`);
  const state = new URL(start.headers.get("Location")!).searchParams.get("state")!;
  const { res, url } = await browser.follow(await browser.fetch(`/oauth/callback?${new URLSearchParams({ ...answer, state })}`));
  return { state, dashboardUrl: url, html: await res.text() };
}

export const flashOf = (html: string) => /id="consent-result">([^<]*)</.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? null;
export const pdlIdsOf = (html: string) => [...html.matchAll(/data-usage-point-id="(\d{14})"/g)].map((m) => m[1]);

/** The account's user id and today's no-cache request count, through the API. */
export async function userIdOf(clientSecret: string): Promise<string> {
  return ((await (await call("/api/accounts/me", { headers: bearer(clientSecret) })).json()) as { data: { user_id: string } }).data.user_id;
}
export async function noCacheUsed(clientSecret: string): Promise<number> {
  return ((await (await call("/api/accounts/usage-stats", { headers: bearer(clientSecret) })).json()) as { data: { no_cache_requests: number } }).data.no_cache_requests;
}

/**
 * A browser talking to the same worker code and storage under other settings (e.g. ENEDIS_AUTHORIZE_VERSION=v1):
 * getConfig parses each env object once, so a fresh object carries the override.
 */
export class BrowserOn extends Browser {
  private readonly workerEnv: Env;

  constructor(overrides: Partial<Record<keyof Env, string>>) {
    super();
    this.workerEnv = { ...(env as unknown as Env), ...overrides } as Env;
  }

  protected override async send(path: string, init: RequestInit): Promise<Response> {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(new URL(path, ORIGIN), init), this.workerEnv, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }
}

export { ORIGIN };
