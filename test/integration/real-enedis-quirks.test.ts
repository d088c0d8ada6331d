import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import app from "../../src/index";
import { Browser, bearer, call } from "../support/http";
import { consent, flashOf } from "../support/consent";
import { enedisDataCalls, simulatorControl } from "../support/simulator";

/**
 * The gateway against the simulator's messy households and levers (docs/simulator.md), through the worker: every
 * quirk of ../shared/enedis-api/README.md's last section is produced by the simulator and survived here.
 */
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);
type Reading = { value: string; date: string };
type MeterBody = { data: { meter_reading: { reading_type: { unit: string }; interval_reading: Reading[] } }; error?: { code: string; message: string } };

async function household(name: string) {
  const b = new Browser();
  const account = await b.signup();
  await consent(b, name);
  return { secret: account.clientSecret, get: (path: string) => call(path, { headers: bearer(account.clientSecret) }) };
}

async function inMode(path: string, secret: string, mode: "new" | "auto") {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost:8000${path}`, { headers: bearer(secret) }), { ...env, ENEDIS_API_MODE: mode }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

beforeEach(async () => {
  await simulatorControl("reset", {});
});
afterEach(async () => {
  await simulatorControl("reset", {});
});

describe("a fresh v2 consent of 12 PRMs (garnier)", () => {
  it("unlisted for the first seconds, then DEMANDE over two pages: all 12 attached, each with its own consent record", async () => {
    const b = new Browser();
    await b.signup();
    const flow = await consent(b, "garnier"); // the simulator's default timing: unlisted 2 s, then DEMANDE
    expect(flashOf(flow.html)).toBe("Bravo ! 12 points de livraison détectés (12 nouveaux).");
    const rows = (await env.DB.prepare("SELECT usage_point_id, consent_status, consent_expires_at FROM usage_points WHERE usage_point_id LIKE '096%' ORDER BY usage_point_id").all<{ usage_point_id: string; consent_status: string; consent_expires_at: string }>()).results;
    expect(rows.map((r) => r.usage_point_id)).toEqual(Array.from({ length: 12 }, (_, i) => `096000000000${String(i + 1).padStart(2, "0")}`));
    for (const r of rows) {
      expect(r.consent_status).toBe("DEMANDE");
      expect(Date.parse(r.consent_expires_at)).toBeGreaterThan(Date.now() + 2 * 365 * 86_400_000);
    }
  });
});

describe("a consent while Enedis's budget is busy", () => {
  it("attaches every PDL (without its contract summary), and the first contract read fills the summary in", async () => {
    const b = new Browser();
    const account = await b.signup();
    // Enedis throttles the contract API for a while: every summary call answers 429
    await simulatorControl("faults", { api: "situation_contrat_auto", status: 429, count: 20 });
    const flow = await consent(b, "durand");
    expect(flashOf(flow.html)).toBe("Bravo ! 2 points de livraison détectés (2 nouveaux).");
    const summary = () => env.DB.prepare("SELECT subscribed_power, activation_date FROM usage_points WHERE usage_point_id = ?").bind("09200000000001").first();
    expect(await summary()).toEqual({ subscribed_power: null, activation_date: null });
    await simulatorControl("reset", {});
    expect((await call("/api/enedis/contract/09200000000001", { headers: bearer(account.clientSecret) })).status).toBe(200);
    const known = await summary();
    expect(known).toMatchObject({ subscribed_power: "12 kVA", activation_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    // consenting again while Enedis is busy keeps what is known (no summary read is not "nothing known")
    await simulatorControl("faults", { api: "situation_contrat_auto", status: 429, count: 20 });
    expect(flashOf((await consent(b, "durand")).html)).toBe("Bravo ! 2 points de livraison détectés (0 nouveaux).");
    expect(await summary()).toEqual(known);
  });
});

describe("prefixed units, null points, missing days (moreau)", () => {
  it("publishes kWh as Wh and kVA as VA, exactly; skips null points; a short day is not cached and is asked again", async () => {
    const moreau = await household("moreau");
    const daily = (await (await moreau.get(`/api/enedis/consumption/daily/09700000000001?start=${daysAgo(40)}&end=${daysAgo(10)}`)).json()) as MeterBody;
    expect(daily.data.meter_reading.reading_type.unit).toBe("Wh");
    const values = daily.data.meter_reading.interval_reading.map((r) => r.value);
    expect(values.length).toBeGreaterThan(20); // withheld days and null values are missing, not a failure
    expect(values.length).toBeLessThan(30);
    for (const v of values) expect(v).toMatch(/^\d+(\.\d+)?$/);
    expect(Math.min(...values.map(Number))).toBeGreaterThan(100); // kWh read as Wh would be ~10, not ~10 000

    const power = (await (await moreau.get(`/api/enedis/power/09700000000001?start=${daysAgo(20)}&end=${daysAgo(10)}`)).json()) as MeterBody;
    expect(power.data.meter_reading.reading_type.unit).toBe("VA");
    for (const r of power.data.meter_reading.interval_reading) expect(Number(r.value)).toBeGreaterThan(500); // 4.68 kVA → 4680 VA

    const dayUrl = `/api/enedis/consumption/detail/09700000000001?start=${daysAgo(15)}&end=${daysAgo(14)}`;
    const curve = await moreau.get(dayUrl);
    expect(curve.status).toBe(200);
    const points = ((await curve.json()) as MeterBody).data.meter_reading.interval_reading;
    expect(points.length).toBeLessThan(48); // one null and one value-less half-hour skipped
    expect(points.length).toBeGreaterThan(40);
    for (const p of points) expect(Number(p.value)).toBeGreaterThan(10); // kW → W
    // the day is incomplete: not cached, asked again next time
    const again = await moreau.get(dayUrl);
    expect(again.headers.get("X-Cache-Status")).toBe("MISS");
  });
});

describe("a meter activated three months ago (lambert)", () => {
  let lambert: Awaited<ReturnType<typeof household>>;
  beforeAll(async () => {
    lambert = await household("lambert");
  });

  it("the consent records the contract's activation date, and reads never ask before it", async () => {
    const year = `/api/enedis/consumption/daily/09800000000001?start=${daysAgo(200)}&end=${daysAgo(1)}`;
    const first = await lambert.get(year);
    expect(first.status).toBe(200);
    const days = ((await first.json()) as MeterBody).data.meter_reading.interval_reading.map((r) => r.date);
    expect(days.length).toBeGreaterThan(80);
    const row = await env.DB.prepare("SELECT activation_date FROM usage_points WHERE usage_point_id = ?").bind("09800000000001").first<{ activation_date: string | null }>();
    expect(row?.activation_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(days.every((d) => d >= row!.activation_date!)).toBe(true);
    const published = (await (await lambert.get(`/api/pdl/09800000000001`)).json()) as { data: Record<string, unknown> };
    expect(published.data.activation_date ?? row!.activation_date).toBe(row!.activation_date);
  });

  it("without a known activation date, the chunk Enedis refuses (ADAM-ERR0123) is a gap, not an error of the whole range", async () => {
    await env.DB.prepare("UPDATE usage_points SET activation_date = NULL WHERE usage_point_id = ?").bind("09800000000001").run();
    // 400 days: a first 365-day chunk starting before the activation (ADAM-ERR0123) and a recent 35-day chunk
    const res = await lambert.get(`/api/enedis/consumption/daily/09800000000001?start=${daysAgo(400)}&end=${daysAgo(0)}`);
    expect(res.status).toBe(200);
    const readings = ((await res.json()) as MeterBody).data.meter_reading.interval_reading;
    expect(readings.length).toBeGreaterThan(20);
  });
});

describe("comptage_auto not subscribed (fontaine)", () => {
  it("new mode: the contract answers without off-peak hours and says why in last_error; auto mode: v5 gives them", async () => {
    const fontaine = await household("fontaine");
    const newMode = await inMode("/api/enedis/contract/09900000000001?use_cache=false", fontaine.secret, "new");
    expect(newMode.status).toBe(200);
    const contracts = (body: unknown) => (body as { data: { customer: { usage_points: Array<{ contracts: { offpeak_hours?: string } }> } } }).data.customer.usage_points[0].contracts;
    expect(contracts(await newMode.json()).offpeak_hours).toBeUndefined();
    const status = (await (await fontaine.get("/api/pdl/09900000000001/status")).json()) as { data: { last_error?: string } };
    expect(status.data.last_error).toBe("OFFPEAK_UNAVAILABLE");

    const autoMode = await inMode("/api/enedis/contract/09900000000001?use_cache=false", fontaine.secret, "auto");
    expect(autoMode.status).toBe(200);
    expect(contracts(await autoMode.json()).offpeak_hours).toBe("HC (1H30-7H30;12H30-14H30)");
  });
});

describe("error bodies in every shape", () => {
  it("the same Enedis answer gives the same gateway code whatever shape its body comes in", async () => {
    const leroy = await household("leroy");
    for (const shape of ["code_message", "error_description", "array", "libelle", "fault"]) {
      expect((await simulatorControl("error-shape", { shape })).status).toBe(200);
      // no data (load curve not activated): a 404 that is NOT WSO2's route-not-served
      const noData = await leroy.get(`/api/enedis/consumption/detail/09400000000001?start=${daysAgo(30)}&end=${daysAgo(29)}&use_cache=false`);
      expect(noData.status, shape).toBe(404);
      expect(((await noData.json()) as MeterBody).error!.code, shape).toBe("NO_DATA");
    }
    const bernard = await household("bernard"); // moved out: ADAM-DC-0007
    for (const shape of ["code_message", "error_description", "array", "libelle", "fault"]) {
      await simulatorControl("error-shape", { shape });
      const notOwner = await bernard.get(`/api/enedis/consumption/daily/09500000000001?start=${daysAgo(10)}&end=${daysAgo(9)}&use_cache=false`);
      expect(notOwner.status, shape).toBe(403);
      const error = ((await notOwner.json()) as MeterBody).error!;
      expect(error.code, shape).toBe("NOT_OWNER");
      expect(error.message, shape).toMatch(/consentement/i); // giving consent again may fix it: the message says so
    }
  });
});

describe("500 technical_error on a PRM", () => {
  it("is retried once, not more, then answered ENEDIS_UNAVAILABLE; the PRM works again when Enedis does", async () => {
    const martin = await household("martin");
    await simulatorControl("technical-error", { usage_point_id: "09100000000001", count: 2 });
    const before = await enedisDataCalls();
    const failed = await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(10)}&end=${daysAgo(9)}`);
    expect(failed.status).toBe(502);
    expect(((await failed.json()) as MeterBody).error!.code).toBe("ENEDIS_UNAVAILABLE");
    expect((await enedisDataCalls()) - before).toBe(2);
    const ok = await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(10)}&end=${daysAgo(9)}`);
    expect(ok.status).toBe(200);
  });
});
