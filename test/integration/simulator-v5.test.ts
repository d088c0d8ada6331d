import { beforeAll, describe, expect, it } from "vitest";
import { halfHoursOfParisDay } from "../../src/simulator/calendar";
import { publishedDays } from "../../src/simulator/rules";
import v5LoadCurveFixture from "../fixtures/enedis/v5_consumption_load_curve.json";
import { bearer, config, daysAgo, direct, getToken, giveConsent, paced, sim, today } from "./simulator-helpers";

type MeterReading = {
  meter_reading: {
    usage_point_id: string;
    start: string;
    end: string;
    quality: string;
    reading_type: Record<string, string>;
    interval_reading: Array<Record<string, string>>;
  };
};

let token: string;
const get = (path: string) => paced(path, bearer(token));
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;

beforeAll(async () => {
  for (const household of ["martin", "durand", "petit", "leroy", "bernard"]) await giveConsent("v1", household);
  token = await getToken();
});

describe("simulated token API", () => {
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    paced("/oauth2/v3/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields) }, direct);

  it("answers like Enedis: Bearer, expires_in as a string, scope", async () => {
    const res = await form({ grant_type: "client_credentials", client_id: config().clientId, client_secret: config().clientSecret });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: "12600" });
    expect(typeof body.access_token).toBe("string");
    expect(typeof body.scope).toBe("string");
  });

  it("accepts HTTP Basic credentials", async () => {
    const basic = btoa(`${config().clientId}:${config().clientSecret}`);
    expect((await form({ grant_type: "client_credentials" }, { Authorization: `Basic ${basic}` })).status).toBe(200);
  });

  it("refuses other credentials (401 invalid_client) and other grants (400)", async () => {
    const bad = await form({ grant_type: "client_credentials", client_id: config().clientId, client_secret: "wrong" });
    expect(bad.status).toBe(401);
    expect((await json(bad)).error).toBe("invalid_client");
    const unknown = await form({ grant_type: "client_credentials", client_id: "someone", client_secret: config().clientSecret });
    expect(unknown.status).toBe(401);
    const grant = await form({ grant_type: "authorization_code", client_id: config().clientId, client_secret: config().clientSecret });
    expect(grant.status).toBe(400);
    expect((await json(grant)).error).toBe("unsupported_grant_type");
    const missing = await form({ client_id: config().clientId, client_secret: config().clientSecret });
    expect(missing.status).toBe(400);
    expect((await json(missing)).error).toBe("invalid_request");
  });

  it("revokes a token: it stops working at once, others keep working", async () => {
    const doomed = await getToken();
    const path = `/customers_cd/v5/contact_data?usage_point_id=09100000000001`;
    expect((await paced(path, bearer(doomed))).status).toBe(200);
    const basic = btoa(`${config().clientId}:${config().clientSecret}`);
    const revoke = await paced(
      "/oauth2/v3/revoke",
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basic}` }, body: new URLSearchParams({ token: doomed }) },
      direct,
    );
    expect(revoke.status).toBe(200);
    expect((await paced(path, bearer(doomed))).status).toBe(401);
    expect((await get(path)).status).toBe(200);
  });

  it("answers 401 to a data call without a valid bearer token", async () => {
    const path = "/metering_data_dc/v5/daily_consumption?usage_point_id=09100000000001&start=" + daysAgo(3) + "&end=" + daysAgo(2);
    expect((await paced(path)).status).toBe(401);
    const forged = await paced(path, bearer(token.slice(0, -2) + "xx"));
    expect(forged.status).toBe(401);
    expect(await json(forged)).toHaveProperty("error");
  });
});

describe("v1 consent discovery (/customers_upc/v5/usage_points)", () => {
  it("lists every usage point of the customer owning the given ids", async () => {
    for (const ids of ["09200000000001", "09200000000002;09200000000001", "09200000000001,09200000000002"]) {
      const res = await get(`/customers_upc/v5/usage_points?usage_point_id=${ids}`);
      expect(res.status).toBe(200);
      const body = await json<{ customer: { customer_id: string; usage_points: Array<{ usage_point: Record<string, string> }> } }>(res);
      expect(body.customer.customer_id).toBe("1000000002");
      expect(body.customer.usage_points.map((u) => u.usage_point)).toEqual([
        { usage_point_id: "09200000000001", usage_point_status: "com", meter_type: "AMM" },
        { usage_point_id: "09200000000002", usage_point_status: "com", meter_type: "AMM" },
      ]);
    }
  });

  it("refuses ids without consent (403 ADAM-DC-0008) and malformed ids (400)", async () => {
    const none = await get("/customers_upc/v5/usage_points?usage_point_id=12345678901234");
    expect(none.status).toBe(403);
    expect((await json(none)).error).toBe("ADAM-DC-0008");
    expect((await get("/customers_upc/v5/usage_points?usage_point_id=0910000000000")).status).toBe(400);
    expect((await get("/customers_upc/v5/usage_points")).status).toBe(400);
  });
});

describe("v5 metering data", () => {
  const start = daysAgo(3);
  const end = today();

  it("daily consumption: v5 shape, string values in Wh, days up to D-1 as published", async () => {
    const res = await get(`/metering_data_dc/v5/daily_consumption?usage_point_id=09100000000001&start=${start}&end=${end}`);
    expect(res.status).toBe(200);
    const { meter_reading: m } = await json<MeterReading>(res);
    expect(m).toMatchObject({ usage_point_id: "09100000000001", start, end, quality: "BRUT" });
    expect(m.reading_type).toEqual({ measurement_kind: "energy", measuring_period: "P1D", unit: "Wh", aggregate: "sum" });
    expect(m.interval_reading.map((r) => r.date)).toEqual(publishedDays(start, end, Date.now()));
    for (const r of m.interval_reading) expect(r.value).toMatch(/^\d+$/);
  });

  it("consumption load curve: the fixture's keys, 30-minute readings whose energy is the daily total", async () => {
    const from = daysAgo(4);
    const to = daysAgo(2);
    const res = await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09100000000001&start=${from}&end=${to}`);
    expect(res.status).toBe(200);
    const body = await json<MeterReading>(res);
    const fixture = v5LoadCurveFixture as unknown as MeterReading;
    expect(Object.keys(body.meter_reading).sort()).toEqual(Object.keys(fixture.meter_reading).sort());
    expect(body.meter_reading.reading_type).toEqual(fixture.meter_reading.reading_type);
    expect(Object.keys(body.meter_reading.interval_reading[0]).sort()).toEqual(Object.keys(fixture.meter_reading.interval_reading[0]).sort());
    const readings = body.meter_reading.interval_reading;
    expect(readings).toHaveLength(halfHoursOfParisDay(from).length + halfHoursOfParisDay(daysAgo(3)).length);
    expect(readings[0]).toMatchObject({ date: `${from} 00:30:00`, interval_length: "PT30M", measure_type: "B" });
    expect(readings.at(-1)!.date).toBe(`${to} 00:00:00`);

    const daily = await get(`/metering_data_dc/v5/daily_consumption?usage_point_id=09100000000001&start=${from}&end=${daysAgo(3)}`);
    const dayWh = Number((await json<MeterReading>(daily)).meter_reading.interval_reading[0].value);
    const curveWh = readings.filter((r) => r.date > `${from} 00:00:00` && r.date <= `${daysAgo(3)} 00:00:00`).reduce((s, r) => s + Number(r.value) * 0.5, 0);
    expect(Math.abs(dayWh - curveWh)).toBeLessThanOrEqual(0.5);
  });

  it("daily max power in VA with the time it was reached", async () => {
    const res = await get(`/metering_data_dcmp/v5/daily_consumption_max_power?usage_point_id=09100000000001&start=${daysAgo(5)}&end=${daysAgo(2)}`);
    expect(res.status).toBe(200);
    const { meter_reading: m } = await json<MeterReading>(res);
    expect(m.reading_type).toEqual({ measurement_kind: "power", measuring_period: "P1D", unit: "VA", aggregate: "maximum" });
    expect(m.interval_reading).toHaveLength(3);
    expect(m.interval_reading[0].date).toMatch(new RegExp(`^${daysAgo(5)} \\d{2}:\\d{2}:\\d{2}$`));
    for (const r of m.interval_reading) expect(Number(r.value)).toBeLessThanOrEqual(9000);
  });

  it("production of a self-consumer, daily and load curve", async () => {
    const daily = await get(`/metering_data_dp/v5/daily_production?usage_point_id=09300000000001&start=${daysAgo(3)}&end=${daysAgo(1)}`);
    expect(daily.status).toBe(200);
    expect((await json<MeterReading>(daily)).meter_reading.reading_type.unit).toBe("Wh");
    const curve = await get(`/metering_data_plc/v5/production_load_curve?usage_point_id=09300000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`);
    expect(curve.status).toBe(200);
    const readings = (await json<MeterReading>(curve)).meter_reading.interval_reading;
    expect(readings[0].value).toBe("0"); // 00:30, night
  });
});

describe("v5 customer data", () => {
  it("contract, address, identity and contact in the shapes of openapi/08-11", async () => {
    const contract = await json<{ customer: { customer_id: string; usage_points: Array<{ usage_point: unknown; contracts: Record<string, string> }> } }>(
      await get("/customers_upc/v5/usage_points/contracts?usage_point_id=09100000000001"),
    );
    expect(contract.customer.customer_id).toBe("1000000001");
    expect(contract.customer.usage_points[0].contracts).toMatchObject({
      segment: "C5",
      subscribed_power: "9 kVA",
      offpeak_hours: "HC (22H30-6H30)",
      distribution_tariff: "BTINFMU4",
      last_activation_date: "2016-03-14+01:00",
    });
    const address = await json<{ customer: { usage_points: Array<{ usage_point: { usage_point_addresses: Record<string, unknown> } }> } }>(
      await get("/customers_upa/v5/usage_points/addresses?usage_point_id=09100000000001"),
    );
    expect(address.customer.usage_points[0].usage_point.usage_point_addresses).toMatchObject({ city: "Lyon", postal_code: "69003", country: "France" });
    const identity = await json(await get("/customers_i/v5/identity?usage_point_id=09100000000001"));
    expect(identity).toEqual({ customer_id: "1000000001", identity: { natural_person: { title: "Mme", firstname: "Claire", lastname: "Martin" } } });
    const contact = await json(await get("/customers_cd/v5/contact_data?usage_point_id=09100000000001"));
    expect(contact).toEqual({ customer_id: "1000000001", contact: { phone: "0601020304", email: "claire.martin@example.test" } });
  });
});

describe("v5 rules and failures", () => {
  const daily = (query: string) => get(`/metering_data_dc/v5/daily_consumption?${query}`);
  const expectError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.error).toBe(code);
    expect(typeof body.error_description).toBe("string");
  };

  it("400 invalid_request: bad id, bad date, end after today, start not before end", async () => {
    await expectError(await daily(`usage_point_id=0910000000000&start=${daysAgo(3)}&end=${daysAgo(1)}`), 400, "invalid_request");
    await expectError(await daily(`usage_point_id=09100000000001&start=2026-13-01&end=${daysAgo(1)}`), 400, "invalid_request");
    await expectError(await daily(`usage_point_id=09100000000001&start=${daysAgo(3)}&end=${daysAgo(-1)}`), 400, "invalid_request");
    await expectError(await daily(`usage_point_id=09100000000001&start=${daysAgo(2)}&end=${daysAgo(2)}`), 400, "invalid_request");
    await expectError(await daily(`usage_point_id=09100000000001&start=${daysAgo(1)}&end=${daysAgo(3)}`), 400, "invalid_request");
  });

  it("load curve over 7 days: ADAM-DC-0015; 7 days exactly is fine", async () => {
    await expectError(await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09100000000001&start=${daysAgo(10)}&end=${daysAgo(2)}`), 400, "ADAM-DC-0015");
    expect((await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09100000000001&start=${daysAgo(9)}&end=${daysAgo(2)}`)).status).toBe(200);
  });

  it("before the history limit: ADAM-DC-0016 (36 months + 15 days daily, 24 months + 15 days load curve)", async () => {
    await expectError(await daily(`usage_point_id=09100000000001&start=${daysAgo(3 * 366 + 20)}&end=${daysAgo(3 * 366 + 10)}`), 400, "ADAM-DC-0016");
    expect((await daily(`usage_point_id=09100000000001&start=${daysAgo(2 * 366)}&end=${daysAgo(2 * 366 - 10)}`)).status).toBe(200);
    await expectError(await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09100000000001&start=${daysAgo(2 * 366 + 20)}&end=${daysAgo(2 * 366 + 15)}`), 400, "ADAM-DC-0016");
  });

  it("production asked on a consumption-only point: ADAM-ERR0069", async () => {
    await expectError(await get(`/metering_data_dp/v5/daily_production?usage_point_id=09100000000001&start=${daysAgo(3)}&end=${daysAgo(1)}`), 400, "ADAM-ERR0069");
  });

  it("load curve not activated: 404 no_data_found, while daily data works", async () => {
    await expectError(await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09400000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`), 404, "no_data_found");
    expect((await daily(`usage_point_id=09400000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`)).status).toBe(200);
  });

  it("moved-out household: 403 ADAM-DC-0007; unknown point: 403 ADAM-DC-0008", async () => {
    await expectError(await daily(`usage_point_id=09500000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`), 403, "ADAM-DC-0007");
    await expectError(await get("/customers_cd/v5/contact_data?usage_point_id=09500000000001"), 403, "ADAM-DC-0007");
    await expectError(await daily(`usage_point_id=12345678901234&start=${daysAgo(3)}&end=${daysAgo(2)}`), 403, "ADAM-DC-0008");
  });

  it("today's data is never there: asking only for today answers 404 no_data_found", async () => {
    const res = await daily(`usage_point_id=09100000000001&start=${daysAgo(0)}&end=${daysAgo(-1)}`);
    expect(res.status).toBe(400); // end after today
    const onlyToday = await get(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=09100000000001&start=${daysAgo(1)}&end=${today()}`);
    expect([200, 404]).toContain(onlyToday.status); // yesterday: published from 08:00 Paris time
  });

  it("consent revoked (control endpoint): 403 ADAM-DC-0008 afterwards", async () => {
    const path = `/metering_data_dc/v5/daily_consumption?usage_point_id=09300000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`;
    expect((await get(path)).status).toBe(200);
    const revoke = await sim("/_control/revoke", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ usage_point_id: "09300000000001" }) });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    await expectError(await get(path), 403, "ADAM-DC-0008");
  });
});
