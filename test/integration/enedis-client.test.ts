/**
 * createEnedisClient(env) in each ENEDIS_API_MODE against the built-in simulator, reached in-process
 * through the real transport (global budget Durable Object included). Consents are given on the
 * simulator's own consent page, as a household would.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { createEnedisClient } from "../../src/enedis/client";
import { contractSummary } from "../../src/enedis/contract-summary";
import { addDays, readingDay, todayInParis } from "../../src/enedis/dates";
import type { Env } from "../../src/env";
import type { EnedisClient } from "../../src/enedis/types";
import { simulatorApp } from "../../src/simulator/app";

type Mode = "new" | "legacy" | "auto";
const MODES: Mode[] = ["new", "legacy", "auto"];

/** A fresh env object per mode (getConfig caches per object); bindings are the test worker's. */
const envFor = (mode: Mode) => ({ ...(env as unknown as Env), ENEDIS_API_MODE: mode }) as Env;

const SOLAR = "09300000000001"; // household "petit": consumes and produces, load curve recorded
const NO_LOAD_CURVE = "09400000000001"; // household "leroy": load curve not recorded
const MOVED_OUT = "09500000000001"; // household "bernard": consent works, the point is no longer theirs

async function simulator(path: string, init?: RequestInit): Promise<Response> {
  return simulatorApp.fetch(new Request(new URL(path, "http://simulator.internal"), init), env as unknown as Env);
}

/** Accepts the simulated consent page for a test household; returns the redirect's query. */
async function consent(version: "v1" | "v2", household: string): Promise<URLSearchParams> {
  const form = new URLSearchParams({
    client_id: getConfig(env as unknown as Env).clientId,
    duration: "P1Y",
    response_type: "code",
    state: "integration-test",
    decision: "accept",
    household,
  });
  const response = await simulator(`/dataconnect/${version}/oauth2/authorize`, { method: "POST", body: form });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("Location")!).searchParams;
}

const today = todayInParis(new Date());
const start = addDays(today, -20);
const end = addDays(today, -13); // 7 days, well published

let v1Ids: string[];
let autorisationId: string;

beforeAll(async () => {
  const v1 = await consent("v1", "petit");
  v1Ids = v1.get("usage_point_id")!.split(/[,;]/);
  autorisationId = (await consent("v2", "petit")).get("autorisation_id")!;
  await consent("v1", "leroy");
  await consent("v1", "bernard");
});

describe.each(MODES)("createEnedisClient, ENEDIS_API_MODE=%s", (mode) => {
  let client: EnedisClient;
  let token: string;

  beforeAll(async () => {
    client = createEnedisClient(envFor(mode));
    const t = await client.fetchToken();
    token = t.accessToken;
    expect(t.expiresAtMs).toBeGreaterThan(Date.now() + 60_000);
  });

  it("discovers the consenting household's usage points (v1 and v2 consent)", async () => {
    const v1 = await client.usagePointsForV1(token, v1Ids);
    expect(v1.usagePoints.map((p) => p.usagePointId)).toContain(SOLAR);
    const v2 = await client.usagePointsForV2(token, autorisationId);
    expect(v2.usagePoints.map((p) => p.usagePointId)).toContain(SOLAR);
  });

  it("reads daily consumption and production in the v5 shape", async () => {
    const consumption = await client.meterReading(token, "consumption_daily", SOLAR, start, end);
    expect(consumption.usage_point_id).toBe(SOLAR);
    expect(consumption.reading_type).toMatchObject({ unit: "Wh", measurement_kind: "energy", aggregate: "sum" });
    expect(consumption.interval_reading.map((r) => r.date)).toEqual(Array.from({ length: 7 }, (_, i) => addDays(start, i)));
    for (const r of consumption.interval_reading) expect(r.value).toMatch(/^\d+$/);
    const production = await client.meterReading(token, "production_daily", SOLAR, start, end);
    expect(production.interval_reading).toHaveLength(7);
  });

  it("reads one day of load curve: END-of-interval local dates, all in that day", async () => {
    const curve = await client.meterReading(token, "consumption_load_curve", SOLAR, start, addDays(start, 1));
    expect(curve.reading_type).toMatchObject({ unit: "W", aggregate: "average" });
    expect([46, 48, 50]).toContain(curve.interval_reading.length);
    expect(curve.interval_reading[0].interval_length).toBe("PT30M");
    expect(curve.interval_reading.at(-1)!.date).toBe(`${addDays(start, 1)} 00:00:00`);
    expect(new Set(curve.interval_reading.map((r) => readingDay("consumption_load_curve", r)))).toEqual(new Set([start]));
  });

  it("reads the contract (both directions of a self-consumer) and the other customer data", async () => {
    const summary = contractSummary(await client.customerData(token, "contract", SOLAR));
    expect(summary.subscribedPower).toMatch(/^\d+ kVA$/);
    expect(summary.hasConsumption).toBe(true);
    if (mode !== "legacy") expect(summary.hasProduction).toBe(true); // v5 lists one contract only (contract-summary.ts)
    expect(await client.customerData(token, "address", SOLAR)).toHaveProperty("customer.usage_points.0.usage_point.usage_point_addresses");
    expect(await client.customerData(token, "identity", SOLAR)).toHaveProperty("identity");
    expect(await client.customerData(token, "contact", SOLAR)).toHaveProperty("contact");
  });

  it("maps Enedis's answers about the data to the gateway's codes", async () => {
    await expect(client.meterReading(token, "consumption_load_curve", NO_LOAD_CURVE, start, addDays(start, 1))).rejects.toMatchObject({ code: "NO_DATA", status: 404 });
    await expect(client.meterReading(token, "consumption_daily", MOVED_OUT, start, end)).rejects.toMatchObject({ code: "NOT_OWNER", status: 403 });
    await expect(client.meterReading(token, "consumption_daily", "01234567890123", start, end)).rejects.toMatchObject({ code: "CONSENT_REQUIRED" });
  });
});

describe("one stable answer whatever the generation", () => {
  it("gives the same daily values from v5 and from 2026", async () => {
    const [legacy, fresh] = await Promise.all(
      (["legacy", "new"] as const).map(async (mode) => {
        const client = createEnedisClient(envFor(mode));
        const { accessToken } = await client.fetchToken();
        return client.meterReading(accessToken, "consumption_daily", SOLAR, start, end);
      }),
    );
    expect(fresh.interval_reading).toEqual(legacy.interval_reading);
  });

  it("auto mode answers from v5 when 2026 keeps failing, and 2026-only mode does not", async () => {
    const faults = await simulator("/_control/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      // The transport tries four times (three retries, RETRY_POLICY) before the fallback.
      body: JSON.stringify({ api: "mesure_synchrone_auto/v2/consommation_quotidienne", status: 503, count: 4 }),
    });
    expect(faults.status).toBe(200);
    const auto = createEnedisClient(envFor("auto"));
    const { accessToken } = await auto.fetchToken();
    const reading = await auto.meterReading(accessToken, "consumption_daily", SOLAR, start, end);
    expect(reading.interval_reading).toHaveLength(7);

    await simulator("/_control/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ api: "mesure_synchrone_auto/v2/consommation_quotidienne", status: 503, count: 4 }),
    });
    await expect(createEnedisClient(envFor("new")).meterReading(accessToken, "consumption_daily", SOLAR, start, end)).rejects.toMatchObject({
      code: "ENEDIS_UNAVAILABLE",
      status: 503,
    });
  });

  it("a revoked consent answers CONSENT_REQUIRED in every mode", async () => {
    const revoked = await simulator("/_control/revoke", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ usage_point_id: NO_LOAD_CURVE }),
    });
    expect(revoked.status).toBe(200);
    for (const mode of MODES) {
      const client = createEnedisClient(envFor(mode));
      const { accessToken } = await client.fetchToken();
      await expect(client.meterReading(accessToken, "consumption_daily", NO_LOAD_CURVE, start, end)).rejects.toMatchObject({ code: "CONSENT_REQUIRED", status: 403 });
    }
  });
});
