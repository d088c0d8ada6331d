import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { EnedisUpstreamError } from "../../src/enedis/errors";
import { REQUEST_TIMEOUT_MS, RETRY_DELAYS_MS, createTransport, generationOf, type TransportDeps } from "../../src/enedis/transport";
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

  it("retries 5xx twice with backoff, a new permit each time", async () => {
    const { seen, transport } = transportWith([json(503, {}), json(502, {}), json(200, { ok: true })]);
    const response = await transport("consumption_daily", "/x");
    expect(response.status).toBe(200);
    expect(seen.requests).toHaveLength(3);
    expect(seen.permits).toEqual(["x", "x", "x"]);
    expect(seen.sleeps).toEqual([...RETRY_DELAYS_MS]);
  });

  it("gives back the last 5xx after three attempts, for the adapter to map", async () => {
    const { seen, transport } = transportWith([json(500, {}), json(500, {}), json(500, { code: "500" })]);
    const response = await transport("contract", "/x");
    expect(response.status).toBe(500);
    expect(seen.requests).toHaveLength(3);
  });

  it("retries network failures and then answers ENEDIS_UNAVAILABLE (503, Retry-After, fallback-worthy)", async () => {
    const { seen, transport } = transportWith([new TypeError("network"), new DOMException("timeout", "TimeoutError"), new TypeError("network")]);
    const err = await transport("address", "/x").catch((e) => e);
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    expect(err.status).toBe(503);
    expect(err.code).toBe("ENEDIS_UNAVAILABLE");
    expect(err.extra.retryAfter).toBeGreaterThan(0);
    expect(err.fallbackToLegacy).toBe(true);
    expect(seen.permits).toHaveLength(3);
  });

  it("does not retry 4xx answers", async () => {
    const { seen, transport } = transportWith([json(403, { error: "ADAM-DC-0008" })]);
    expect((await transport("identity", "/x")).status).toBe(403);
    expect(seen.requests).toHaveLength(1);
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

describe("generationOf", () => {
  it("tells 2026 paths from v5 ones", () => {
    expect(generationOf("/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=1")).toBe("dc2026");
    expect(generationOf("/comptage_auto/v1/12345678901234")).toBe("dc2026");
    expect(generationOf("/subscribed_services/v1")).toBe("dc2026");
    expect(generationOf("/metering_data_dc/v5/daily_consumption")).toBe("v5");
    expect(generationOf("/oauth2/v3/token")).toBe("v5");
  });
});
