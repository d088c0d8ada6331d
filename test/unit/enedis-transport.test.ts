import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { EnedisUpstreamError } from "../../src/enedis/errors";
import { REQUEST_TIMEOUT_MS, RETRY_POLICY, callEnedisJson, createTransport, generationOf, type TransportDeps } from "../../src/enedis/transport";
import { ENEDIS_USER_AGENT } from "../../src/enedis/user-agent";
import pkg from "../../package.json";
import { AppError } from "../../src/http/errors";

const APP_SECRET = "test-app-secret-0123456789abcdef0123456789abcdef";

/** A fresh env object per test: getConfig caches per object. */
const makeEnv = (vars: Record<string, string> = {}) => ({ ...(env as unknown as Env), APP_SECRET, ...vars }) as Env;

/** Scripted Enedis: answers in order, records what the transport did. */
function fake(answers: Array<Response | Error>) {
  const seen = { requests: [] as Request[], permits: [] as string[], sleeps: [] as number[], throttles: [] as Array<[string, number]> };
  const deps: Partial<TransportDeps> = {
    send: async (request) => {
      seen.requests.push(request);
      const next = answers.shift();
      if (!next) throw new Error("no more scripted answers");
      if (next instanceof Error) throw next;
      return next;
    },
    acquirePermit: async (api) => void seen.permits.push(api),
    reportThrottle: async (api, until) => void seen.throttles.push([api, until]),
    sleep: async (ms) => void seen.sleeps.push(ms),
    now: () => Date.UTC(2026, 9, 1, 12, 0, 0),
  };
  return { seen, deps };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("createTransport: where requests go", () => {
  it("hands simulator requests to the simulator app under its own paths", async () => {
    const { seen, deps } = fake([json(200, {})]);
    await createTransport(makeEnv({ ENEDIS_ENV: "simulator" }), deps)("token", "/oauth2/v3/token", { method: "POST" });
    expect(seen.requests[0].url).toBe("http://simulator.internal/oauth2/v3/token");
    expect(seen.requests[0].method).toBe("POST");
  });

  it("dispatches in-process for real (no network) in simulator mode", async () => {
    const { deps } = fake([]);
    const transport = createTransport(makeEnv({ ENEDIS_ENV: "simulator" }), { acquirePermit: deps.acquirePermit });
    // Whatever the simulator answers, the call returns a Response instead of failing on an unresolvable host.
    const response = await transport("usage_points", "/definitely/not/an/enedis/route");
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it("goes to ENEDIS_API_BASE_URL when set, even in simulator mode, and to Enedis's host in production", async () => {
    const a = fake([json(200, {})]);
    await createTransport(makeEnv({ ENEDIS_ENV: "simulator", ENEDIS_API_BASE_URL: "http://127.0.0.1:9999" }), a.deps)("consumption_daily", "/metering_data_dc/v5/daily_consumption?usage_point_id=1");
    expect(a.seen.requests[0].url).toBe("http://127.0.0.1:9999/metering_data_dc/v5/daily_consumption?usage_point_id=1");
    const b = fake([json(200, {})]);
    await createTransport(makeEnv({ ENEDIS_ENV: "production", ENEDIS_CLIENT_ID: "id", ENEDIS_CLIENT_SECRET: "secret" }), b.deps)("contract", "/situation_contrat_auto/v1/12345678901234");
    expect(b.seen.requests[0].url).toBe("https://gw.ext.prod.api.enedis.fr/situation_contrat_auto/v1/12345678901234");
  });

  it("has a 15 s timeout on real calls", () => {
    expect(REQUEST_TIMEOUT_MS).toBe(15_000);
  });
});

describe("createTransport: budget, retries, throttling", () => {
  const transportWith = (answers: Array<Response | Error>) => {
    const f = fake(answers);
    return { ...f, transport: createTransport(makeEnv(), f.deps) };
  };

  it("takes a permit for the right API before the call", async () => {
    const { seen, transport } = transportWith([json(200, { ok: true })]);
    const response = await transport("consumption_load_curve", "/mesure_synchrone_auto/v2/courbe_de_charge_consommation");
    expect(response.status).toBe(200);
    expect(seen.permits).toEqual(["mesure_synchrone_auto"]); // Enedis counts per API, not per resource
    expect(seen.sleeps).toEqual([]);
  });

  it.each([502, 503, 504])("retries a %i three times with backoff (250 ms, 1 s, 3 s), a new permit each time", async (status) => {
    const { seen, transport } = transportWith([json(status, {}), json(status, {}), json(status, {}), json(200, { ok: true })]);
    const response = await transport("consumption_daily", "/x");
    expect(response.status).toBe(200);
    expect(seen.requests).toHaveLength(4);
    expect(seen.permits).toEqual(["x", "x", "x", "x"]);
    expect(seen.sleeps).toEqual([250, 1000, 3000]);
    expect([...RETRY_POLICY.transient.delaysMs]).toEqual([250, 1000, 3000]);
  });

  it("gives back the last transient failure after four attempts, for the adapter to map", async () => {
    const { seen, transport } = transportWith([json(503, {}), json(502, {}), json(504, {}), json(503, { code: "503" })]);
    const response = await transport("contract", "/x");
    expect(response.status).toBe(503);
    expect(seen.requests).toHaveLength(4);
  });

  it("retries a 500 once only, then the call fails as ENEDIS_UNAVAILABLE (fallback-worthy)", async () => {
    const { seen, transport } = transportWith([json(500, { code: "technical_error" }), json(500, { code: "technical_error" }), json(200, {})]);
    const err = (await callEnedisJson(transport, "consumption_daily", "/mesure_synchrone_auto/v2/consommation_quotidienne", "tok").catch((e) => e)) as EnedisUpstreamError;
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    expect(err.status).toBe(502);
    expect(err.code).toBe("ENEDIS_UNAVAILABLE");
    expect(err.fallbackToLegacy).toBe(true);
    expect(err.upstreamCode).toBe("500");
    expect(seen.requests).toHaveLength(2);
    expect(seen.permits).toHaveLength(2);
    expect(seen.sleeps).toEqual([...RETRY_POLICY.technicalError.delaysMs]);
  });

  it("answers the second attempt when a 500 clears", async () => {
    const { seen, transport } = transportWith([json(500, {}), json(200, { ok: true })]);
    expect((await transport("contract", "/x")).status).toBe(200);
    expect(seen.requests).toHaveLength(2);
  });

  it("counts a 500 and transient failures apart (a 500 among 503s is still retried once)", async () => {
    const { seen, transport } = transportWith([json(503, {}), json(500, {}), json(503, {}), json(500, {})]);
    expect((await transport("contract", "/x")).status).toBe(500);
    expect(seen.requests).toHaveLength(4);
    expect(seen.sleeps).toEqual([250, 1000, 1000]);
  });

  it("retries network failures and timeouts three times, then answers ENEDIS_UNAVAILABLE (503, Retry-After, fallback-worthy)", async () => {
    const { seen, transport } = transportWith([
      new TypeError("network"),
      new DOMException("timeout", "TimeoutError"),
      new TypeError("network"),
      new DOMException("timeout", "TimeoutError"),
    ]);
    const err = await transport("address", "/x").catch((e) => e);
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    expect(err.status).toBe(503);
    expect(err.code).toBe("ENEDIS_UNAVAILABLE");
    expect(err.upstreamCode).toBe("network");
    expect(err.extra.retryAfter).toBeGreaterThan(0);
    expect(err.fallbackToLegacy).toBe(true);
    expect(seen.permits).toHaveLength(4);
    expect(seen.sleeps).toEqual([250, 1000, 3000]);
  });

  it("starts no retry once 30 s have passed since the first attempt (calls that keep timing out)", async () => {
    let clock = 0;
    const f = fake([]);
    const deps: Partial<TransportDeps> = {
      ...f.deps,
      now: () => clock,
      send: async (request) => {
        f.seen.requests.push(request);
        clock += REQUEST_TIMEOUT_MS; // each attempt times out
        throw new DOMException("timeout", "TimeoutError");
      },
    };
    const err = await createTransport(makeEnv(), deps)("address", "/x").catch((e) => e);
    expect(err.code).toBe("ENEDIS_UNAVAILABLE");
    // t=15 s: 15.25 s ≤ 30 s, retry; t=30 s: 31 s > 30 s, give up.
    expect(f.seen.requests).toHaveLength(2);
    expect(RETRY_POLICY.transient.maxElapsedMs).toBe(30_000);
  });

  it.each([400, 401, 403, 404, 409])("does not retry a %i", async (status) => {
    const { seen, transport } = transportWith([json(status, { error: "ADAM-DC-0008" }), json(200, {})]);
    expect((await transport("identity", "/x")).status).toBe(status);
    expect(seen.requests).toHaveLength(1);
    expect(seen.sleeps).toEqual([]);
  });

  it("on a 429 whose next access is within 2 s, tells the budget and tries once more (the next permit waits)", async () => {
    const soon = json(429, { code: "900804", message: "Message throttled out", nextAccessTime: "2026-Oct-01 12:00:02+0000 UTC" });
    const { seen, transport } = transportWith([soon, json(200, { ok: true })]);
    const response = await transport("consumption_daily", "/mesure_synchrone_auto/v2/consommation_quotidienne");
    expect(response.status).toBe(200);
    expect(seen.throttles).toEqual([["mesure_synchrone_auto", Date.UTC(2026, 9, 1, 12, 0, 2)]]);
    expect(seen.permits).toHaveLength(2);
    expect(seen.sleeps).toEqual([]); // the wait is the budget's, not a blind sleep
  });

  it("does not retry a 429 whose next access time is only guessed (no time stated by Enedis)", async () => {
    const { seen, transport } = transportWith([json(429, { code: "900807", message: "Message throttled out" }), json(200, {})]);
    const err = await transport("consumption_daily", "/x").catch((e) => e);
    expect(err.code).toBe("ENEDIS_BUSY");
    expect(seen.requests).toHaveLength(1);
    expect(seen.throttles).toEqual([["x", Date.UTC(2026, 9, 1, 12, 0, 1)]]);
  });

  it("retries a 429 whose Retry-After is 1 s", async () => {
    const { seen, transport } = transportWith([json(429, {}, { "Retry-After": "1" }), json(200, {})]);
    expect((await transport("consumption_daily", "/x")).status).toBe(200);
    expect(seen.requests).toHaveLength(2);
  });

  it("retries a short 429 only once, then answers ENEDIS_BUSY", async () => {
    const soon = () => json(429, { code: "900804", nextAccessTime: "2026-Oct-01 12:00:01+0000 UTC" });
    const { seen, transport } = transportWith([soon(), soon(), json(200, {})]);
    const err = await transport("consumption_daily", "/x").catch((e) => e);
    expect(err.status).toBe(429);
    expect(err.code).toBe("ENEDIS_BUSY");
    expect(err.upstreamCode).toBe("900804");
    expect(seen.requests).toHaveLength(2);
    expect(seen.throttles).toHaveLength(2);
  });

  it("on a 429, tells the budget until when and answers ENEDIS_BUSY without retrying", async () => {
    const { seen, transport } = transportWith([json(429, { code: "900804", message: "Message throttled out", nextAccessTime: "2026-Oct-01 12:00:30+0000 UTC" })]);
    const err = await transport("consumption_daily", "/mesure_synchrone_auto/v2/consommation_quotidienne").catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(429);
    expect(err.code).toBe("ENEDIS_BUSY");
    expect(err.extra.retryAfter).toBe(30);
    expect(seen.throttles).toEqual([["mesure_synchrone_auto", Date.UTC(2026, 9, 1, 12, 0, 30)]]);
    expect(seen.requests).toHaveLength(1);
  });

  it("lets the budget's own refusal through without calling Enedis", async () => {
    const f = fake([json(200, {})]);
    const busy = new AppError(429, "ENEDIS_BUSY", "busy", { retryAfter: 2 });
    const transport = createTransport(makeEnv(), { ...f.deps, acquirePermit: async () => Promise.reject(busy) });
    await expect(transport("token", "/oauth2/v3/token")).rejects.toBe(busy);
    expect(f.seen.requests).toHaveLength(0);
  });

  it("sends each retry with the same body", async () => {
    const { seen, transport } = transportWith([json(503, {}), json(200, {})]);
    await transport("token", "/oauth2/v3/token", { method: "POST", body: "grant_type=client_credentials" });
    expect(await seen.requests[0].text()).toBe("grant_type=client_credentials");
    expect(await seen.requests[1].text()).toBe("grant_type=client_credentials");
  });
});

describe("createTransport: User-Agent", () => {
  it("names the gateway and its package.json version", () => {
    expect(ENEDIS_USER_AGENT).toBe(`linky-gateway/${pkg.version}`);
    expect(ENEDIS_USER_AGENT).toMatch(/^linky-gateway\/\d+\.\d+\.\d+/);
  });

  it("is sent on every call and every retry, next to the caller's own headers", async () => {
    const { seen, deps } = fake([json(503, {}), json(200, {}), json(200, {})]);
    const transport = createTransport(makeEnv({ ENEDIS_ENV: "production", ENEDIS_CLIENT_ID: "id", ENEDIS_CLIENT_SECRET: "secret" }), deps);
    await callEnedisJson(transport, "contract", "/situation_contrat_auto/v1/12345678901234", "tok");
    await transport("token", "/oauth2/v3/token", { method: "POST", headers: { "User-Agent": "someone-else", "Content-Type": "application/x-www-form-urlencoded" } });
    expect(seen.requests).toHaveLength(3);
    for (const request of seen.requests) expect(request.headers.get("User-Agent")).toBe(ENEDIS_USER_AGENT);
    expect(seen.requests[1].headers.get("Authorization")).toBe("Bearer tok");
    expect(seen.requests[1].headers.get("Accept")).toBe("application/json");
    expect(seen.requests[2].headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
  });

  it("reaches the in-process simulator too", async () => {
    const { seen, deps } = fake([json(200, {})]);
    await createTransport(makeEnv({ ENEDIS_ENV: "simulator" }), deps)("token", "/oauth2/v3/token", { method: "POST" });
    expect(seen.requests[0].headers.get("User-Agent")).toBe(ENEDIS_USER_AGENT);
  });
});

describe("generationOf", () => {
  it("tells 2026 paths from v5 ones", () => {
    expect(generationOf("/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=1")).toBe("dc2026");
    expect(generationOf("/comptage_auto/v1/12345678901234")).toBe("dc2026");
    expect(generationOf("/subscribed_services/v1")).toBe("dc2026");
    expect(generationOf("/metering_data_dc/v5/daily_consumption")).toBe("v5");
    expect(generationOf("/oauth2/v3/token")).toBe("v5");
  });
});
