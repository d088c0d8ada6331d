// Shared steps of the simulator's integration tests: fetch through the worker, get a token, give consent.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { getConfig } from "../../src/config";
import { simulatorApp } from "../../src/simulator/app";
import { addDays, parisDay } from "../../src/simulator/calendar";

export const ORIGIN = "http://localhost:8000";
export const BASE = `${ORIGIN}/simulator`;
export const config = () => getConfig(env);

/** One request through the whole worker (index.ts mounts the simulator at /simulator). */
export const sim = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init }));

/**
 * One request straight to the simulator app, the way the gateway's upstream client calls it in-process
 * (`simulatorApp.fetch(request, env)`, paths without the /simulator prefix): used for the form-encoded token API, which the worker's page-form
 * CSRF check would otherwise refuse for lack of an Origin header (machine clients send none).
 */
export const direct = async (path: string, init?: RequestInit) => simulatorApp.fetch(new Request(`http://simulator.internal${path}`, { redirect: "manual", ...init }), env);

/**
 * Like `sim`, but waits out the simulator's 5-calls-per-second limit (429 with a burst code) and retries,
 * as a well-behaved client does; tests of the limit itself use `sim`.
 */
export async function paced(path: string, init?: RequestInit, send: typeof sim = sim): Promise<Response> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const res = await send(path, init?.body instanceof URLSearchParams ? { ...init, body: new URLSearchParams(init.body) } : init);
    if (res.status !== 429) return res;
    const body = (await res.clone().json()) as { code?: string; error?: string };
    if (body.code !== "900807" && body.error !== "Quota Q3 reached") return res;
    await scheduler.wait(1100);
  }
  throw new Error("still throttled after 8 attempts");
}

export async function getToken(): Promise<string> {
  const res = await paced("/oauth2/v3/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: config().clientId, client_secret: config().clientSecret }),
  }, direct);
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

export const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });

export function authorizeQuery(overrides: Record<string, string | undefined> = {}): string {
  const q: Record<string, string | undefined> = { client_id: config().clientId, duration: "P3Y", response_type: "code", state: "state-123", ...overrides };
  return new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString();
}

/** Submits the consent form as a browser would; answers the redirect's URL. */
export async function giveConsent(version: "v1" | "v2", household: string, decision: "accept" | "refuse" = "accept", duration = "P3Y"): Promise<URL> {
  const form = new URLSearchParams({ client_id: config().clientId, duration, response_type: "code", state: "state-123", household, decision });
  const res = await sim(`/dataconnect/${version}/oauth2/authorize`, {
    method: "POST",
    // A browser posting the simulator's own form sends its origin.
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: form,
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("Location")!);
}

/** Paris calendar days relative to today (the simulator's "now" is the real clock). */
export const today = () => parisDay(Date.now());
export const daysAgo = (n: number) => addDays(today(), -n);
