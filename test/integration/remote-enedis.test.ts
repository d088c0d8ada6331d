import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import app from "../../src/index";
import { simulatorApp } from "../../src/simulator/app";
import { SIMULATOR_CLIENT_ID, SIMULATOR_CLIENT_SECRET } from "../../src/config";

/**
 * The same build pointed at an Enedis on another host (ENEDIS_ENV=sandbox + ENEDIS_API_BASE_URL +
 * ENEDIS_AUTHORIZE_URL + ENEDIS_REDIRECT_URI): every Enedis call leaves through the real `fetch`, which this
 * test routes to a simulator standing in for "enedis.test".
 */
const REMOTE = "http://enedis.test";
const remoteEnv = {
  ...env,
  ENEDIS_ENV: "sandbox",
  ENEDIS_API_BASE_URL: REMOTE,
  // v2, the default ENEDIS_AUTHORIZE_VERSION: the callback accepts only that generation's answer
  ENEDIS_AUTHORIZE_URL: `${REMOTE}/dataconnect/v2/oauth2/authorize`,
  ENEDIS_REDIRECT_URI: "https://gateway.test/oauth/callback",
  ENEDIS_CLIENT_ID: SIMULATOR_CLIENT_ID,
  ENEDIS_CLIENT_SECRET: SIMULATOR_CLIENT_SECRET,
};

async function send(path: string, init: RequestInit = {}, cookie?: string) {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("Cookie", cookie);
  if (init.method === "POST") headers.set("Origin", "https://gateway.test");
  headers.set("CF-Connecting-IP", "10.9.9.9");
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`https://gateway.test${path}`, { ...init, headers, redirect: "manual" }), remoteEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => vi.restoreAllMocks());

describe("pointing the gateway at another Enedis host", () => {
  it("sends the browser to the configured consent page and calls the configured API host for everything", async () => {
    const hosts: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input as RequestInfo, init);
      const url = new URL(request.url);
      hosts.push(url.host);
      // the stand-in Enedis answers with the simulator's behaviour (it checks the same credentials)
      return simulatorApp.fetch(new Request(`http://simulator.internal${url.pathname}${url.search}`, request), { ...env, ENEDIS_ENV: "simulator" });
    });

    const signup = await send("/signup", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "email=remote%40example.test&password=long+enough+pw" });
    expect(signup.status).toBe(201);
    const cookie = signup.headers.getSetCookie()[0].split(";")[0];
    expect(cookie).toMatch(/^__Host-lg_session=/); // HTTPS: the __Host- cookie

    const start = await send("/consent", { method: "POST" }, cookie);
    const authorize = new URL(start.headers.get("Location")!);
    expect(authorize.origin + authorize.pathname).toBe(`${REMOTE}/dataconnect/v2/oauth2/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe(SIMULATOR_CLIENT_ID);

    // the household accepts on the "remote" consent page (the simulator's page logic, reached directly)
    const form = new URLSearchParams({ ...Object.fromEntries(authorize.searchParams), household: "martin", decision: "accept" });
    const decision = await simulatorApp.fetch(
      new Request(`http://simulator.internal${authorize.pathname}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form }),
      { ...env, ENEDIS_ENV: "simulator", ENEDIS_REDIRECT_URI: remoteEnv.ENEDIS_REDIRECT_URI },
    );
    const callback = new URL(decision.headers.get("Location")!);
    expect(callback.origin).toBe("https://gateway.test");
    const done = await send(callback.pathname + callback.search, {}, cookie);
    expect(done.headers.get("Location")).toBe("/dashboard?consent=success&detected=1&new=1");
    expect(hosts.length).toBeGreaterThan(0);
    expect(new Set(hosts)).toEqual(new Set(["enedis.test"]));

    // and the built-in simulator is not reachable in this mode
    expect((await send("/simulator/oauth2/v3/token", { method: "POST" })).status).toBe(404);
    expect((await send("/simulator/dataconnect/v1/oauth2/authorize")).status).toBe(404);
  });
});

describe("simulator control levers", () => {
  it("answer only on loopback hosts (a deployed demo's visitors cannot reset or fault it)", async () => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request("https://demo.example/simulator/_control/reset", { method: "POST" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    const local = await app.fetch(new Request("http://localhost:8000/simulator/_control/stats"), env, createExecutionContext());
    expect(local.status).toBe(200);
  });
});
