import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import app from "../../src/index";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { APP_TOKEN_KV_KEY, openAppToken } from "../../src/enedis/app-token-record";
import { Browser, bearer, call, json } from "../support/http";
import { consent } from "../support/consent";

/** The gateway's one Enedis application token, as KV holds it (sealed). */
const enedisToken = async () => (await openAppToken(env, await env.KV.get(APP_TOKEN_KV_KEY)))?.accessToken;

/**
 * SECURITY.md property 8: nothing leaks in logs or errors. Every console line written while a household signs
 * up, consents, reads data and meets Enedis failures is captured and searched for what must never be there.
 */
const PDL = "09100000000001";
const PASSWORD = "a very private password";
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);

/** Enedis's own words: they must be mapped to the gateway's codes, never passed through. */
const ENEDIS_TEXTS = [/ADAM-/, /error_description/, /Technical error/, /SI coeur/, /Invalid Credentials/, /No consent can be found/, /not recognized as the actual meter holder/, /no_data_found/, /Service indisponible/];
const STACK = [/\bat\s+\S+\s+\(/, /\.(ts|js|mjs):\d+/, /Error:\s/, /node_modules/];

const faults = (body: Record<string, unknown>) => call("/simulator/_control/faults", json(body));
const resetSimulator = () => call("/simulator/_control/reset", { method: "POST" });

describe("property 8: nothing leaks in logs or errors", () => {
  const logged: string[] = [];
  const spies: Array<ReturnType<typeof vi.spyOn>> = [];
  const errorAnswers: Array<{ label: string; status: number; body: string }> = [];
  const secrets: Record<string, string[]> = { password: [PASSWORD] };

  /** A read whose error answer (if any) is kept for the envelope checks. */
  async function read(label: string, path: string, headers: Record<string, string>) {
    const res = await call(path, { headers });
    const body = await res.text();
    if (res.status >= 400) errorAnswers.push({ label, status: res.status, body });
    return { res, body };
  }

  beforeAll(async () => {
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      spies.push(
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          logged.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.name}: ${a.message}\n${a.stack}` : JSON.stringify(a))).join(" "));
        }),
      );
    }
    await resetSimulator();
    const b = new Browser();
    const account = await b.signup(undefined, PASSWORD);
    secrets.clientSecret = [account.clientSecret];
    secrets.session = [b.cookies.get("lg_session")!];
    const flow = await consent(b, "martin");
    secrets.state = [flow.authorize.searchParams.get("state")!];
    // v2 (default): the callback carries autorisation_id where v1 carried code; neither may reach a log
    const consentAnswer = (url: URL) => url.searchParams.get("code") ?? url.searchParams.get("autorisation_id")!;
    secrets.code = [consentAnswer(flow.callback)];
    const auth = bearer(account.clientSecret);

    // data that works: daily, load curve, contract; through the session and an access token too
    const daily = await read("daily", `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(30)}&end=${daysAgo(20)}`, auth);
    secrets.enedisToken = [(await enedisToken())!];
    const values = (JSON.parse(daily.body) as { data: { meter_reading: { interval_reading: Array<{ value: string }> } } }).data.meter_reading.interval_reading.map((r) => r.value);
    secrets.meterValues = values.filter((v) => v.length >= 4);
    expect(secrets.meterValues.length).toBeGreaterThan(0);
    await read("curve", `/api/enedis/consumption/detail/${PDL}?start=${daysAgo(12)}&end=${daysAgo(11)}`, auth);
    await read("contract", `/api/enedis/contract/${PDL}`, auth);
    const login = await call("/api/accounts/login", json({ email: account.email, password: PASSWORD }));
    secrets.accessToken = [((await login.json()) as { data: { access_token: string } }).data.access_token];
    await read("session", `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(30)}&end=${daysAgo(20)}`, { Cookie: `lg_session=${secrets.session[0]}` });

    // Enedis failing: 500s until the transport gives up (a 500 is retried once), a rejected token (refreshed), then
    // 503s until it gives up (three retries)
    await faults({ status: 500, count: 2 });
    await read("enedis 500", `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(40)}&end=${daysAgo(35)}`, auth);
    await faults({ status: 401, count: 1 });
    await read("enedis 401", `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(45)}&end=${daysAgo(40)}`, auth);
    secrets.enedisToken.push((await enedisToken())!);
    await faults({ status: 503, count: 4 });
    await read("enedis 503 contract", `/api/enedis/address/${PDL}?use_cache=false`, auth);
    // failures of the gateway's own making
    await read("bad dates", `/api/enedis/consumption/daily/${PDL}?start=2026-02-30&end=2026-03-01`, auth);
    await read("unknown pdl", `/api/enedis/consumption/daily/09999999999999?start=${daysAgo(3)}&end=${daysAgo(2)}`, auth);
    await read("bad secret", "/api/accounts/me", bearer(`${account.clientSecret}x`));
    // a failed login with the real password of another address, and a failed consent (Enedis down during the callback)
    await call("/api/accounts/login", json({ email: `other-${account.email}`, password: PASSWORD }));
    await faults({ api: "subscribed_services", status: 503, count: 5 });
    const failedConsent = await consent(b, "martin");
    secrets.state.push(failedConsent.authorize.searchParams.get("state")!);
    secrets.code.push(consentAnswer(failedConsent.callback));
    await resetSimulator();
    // the household revokes its consent at Enedis: 403 from Enedis becomes CONSENT_REQUIRED
    await call("/simulator/_control/revoke", json({ usage_point_id: PDL }));
    await read("revoked", `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(50)}&end=${daysAgo(48)}&use_cache=false`, auth);
    secrets.enedisToken.push((await enedisToken()) ?? secrets.enedisToken[0]);
  });

  afterAll(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it("the scenario did meet failures and did log them", () => {
    const codes = errorAnswers.map((e) => (JSON.parse(e.body) as { error: { code: string } }).error.code);
    expect(codes).toEqual(expect.arrayContaining(["ENEDIS_UNAVAILABLE", "INVALID_DATE_FORMAT", "PDL_NOT_FOUND", "UNAUTHORIZED", "CONSENT_REQUIRED"]));
    expect(logged.length).toBeGreaterThan(0);
  });

  it("no logged line holds a client_secret, session, access token, Enedis token, state, code, password or meter value", () => {
    for (const [what, values] of Object.entries(secrets)) {
      for (const value of values) {
        expect(value, what).toBeTruthy();
        const hit = logged.find((line) => line.includes(value));
        expect(hit, `${what} in a log line`).toBeUndefined();
      }
    }
  });

  it("every error answer is the JSON envelope with the gateway's own code and message: no stack, no Enedis text", () => {
    expect(errorAnswers.length).toBeGreaterThanOrEqual(6);
    for (const { label, body } of errorAnswers) {
      const parsed = JSON.parse(body) as { success: boolean; error: Record<string, string> };
      expect(Object.keys(parsed).sort(), label).toEqual(["error", "success"]);
      expect(parsed.success, label).toBe(false);
      expect(Object.keys(parsed.error).every((k) => ["code", "message", "field"].includes(k)), label).toBe(true);
      expect(parsed.error.code, label).toMatch(/^[A-Z][A-Z_]+$/);
      for (const bad of [...ENEDIS_TEXTS, ...STACK]) expect(body, `${label}: ${bad}`).not.toMatch(bad);
      for (const values of Object.values(secrets)) for (const v of values) expect(body.includes(v), label).toBe(false);
    }
  });
});

describe("property 8: an unexpected failure answers a bare 500", () => {
  it("a broken configuration gives INTERNAL_ERROR without details, on the API and on pages", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const broken = { ...env, APP_SECRET: "too-short-secret" };
      const ctx = createExecutionContext();
      const api = await app.fetch(new Request("http://localhost:8000/api/accounts/me", { headers: bearer("lgs_anything") }), broken, ctx);
      expect(api.status).toBe(500);
      const text = await api.text();
      expect(JSON.parse(text)).toEqual({ success: false, error: { code: "INTERNAL_ERROR", message: expect.any(String) } });
      for (const bad of [/APP_SECRET/, /too-short-secret/, /32 characters/, ...STACK]) expect(text).not.toMatch(bad);
      const page = await app.fetch(new Request("http://localhost:8000/dashboard", { headers: { Cookie: "lg_session=lgsess_x" } }), broken, ctx);
      expect(page.status).toBe(500);
      const html = await page.text();
      for (const bad of [/APP_SECRET/, /too-short-secret/, ...STACK]) expect(html).not.toMatch(bad);
      await waitOnExecutionContext(ctx);
      for (const call of spy.mock.calls) expect(call.join(" ")).not.toContain("too-short-secret");
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the simulator exists only in simulator mode", () => {
  const requests = () => [
    new Request("http://localhost:8000/simulator/oauth2/v3/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost:8000" },
      body: "grant_type=client_credentials&client_id=x&client_secret=y",
    }),
    new Request("http://localhost:8000/simulator/dataconnect/v1/oauth2/authorize?client_id=x&duration=P36M&response_type=code&state=s"),
    new Request("http://localhost:8000/simulator/_control/stats"),
    new Request("http://localhost:8000/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 500, count: 1 }) }),
    new Request("http://localhost:8000/simulator/metering_data_dc/v5/daily_consumption?usage_point_id=09100000000001&start=2026-01-01&end=2026-01-02"),
  ];

  it("answers 404 on every simulator path in production and sandbox", async () => {
    for (const mode of ["production", "sandbox"]) {
      const prodEnv = { ...env, ENEDIS_ENV: mode, ENEDIS_CLIENT_ID: "x", ENEDIS_CLIENT_SECRET: "y" };
      for (const req of requests()) {
        const ctx = createExecutionContext();
        const res = await app.fetch(req, prodEnv, ctx);
        await waitOnExecutionContext(ctx);
        expect(res.status, `${mode} ${req.method} ${new URL(req.url).pathname}`).toBe(404);
      }
    }
  });

  it("control: the same requests reach the simulator in simulator mode", async () => {
    const statuses: number[] = [];
    for (const req of requests()) {
      const ctx = createExecutionContext();
      statuses.push((await app.fetch(req, env, ctx)).status);
      await waitOnExecutionContext(ctx);
    }
    await resetSimulator();
    // each path answers as Enedis would: bad client 401, bad consent request 400, levers 200, no token 401
    expect(statuses).toEqual([401, 400, 200, 200, 401]);
  });
});
