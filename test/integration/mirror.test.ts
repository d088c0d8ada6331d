import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";

const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);

type Reading = { value: string; date: string; interval_length?: string };
type Body = { success: boolean; data: { meter_reading: { usage_point_id: string; start: string; end: string; reading_type: { unit: string }; interval_reading: Reading[] } }; error?: { code: string; message: string } };

/** A fresh account that consented for this simulated household (any earlier holder of its PDLs is dropped). */
async function household(name: string) {
  const { SIMULATED_HOUSEHOLDS } = await import("../../src/simulator/households");
  const ids = SIMULATED_HOUSEHOLDS.find((h) => h.id === name)!.usagePoints.map((p) => p.id);
  await env.DB.prepare(`DELETE FROM usage_points WHERE usage_point_id IN (${ids.map(() => "?").join(",")})`).bind(...ids).run();
  const b = new Browser();
  const account = await b.signup();
  await consent(b, name);
  return { browser: b, secret: account.clientSecret, get: (path: string) => call(path, { headers: bearer(account.clientSecret) }) };
}

const simulatorCalls = async () => {
  const stats = (await (await call("/simulator/_control/stats")).json()) as { total?: number; calls?: Record<string, number> };
  return stats.total ?? Object.values(stats.calls ?? {}).reduce((a, b) => a + b, 0);
};

describe("mirror: daily data and cache", () => {
  let martin: Awaited<ReturnType<typeof household>>;
  beforeAll(async () => {
    martin = await household("martin");
  });

  it("answers daily consumption in the v5 shape, then from the encrypted cache (MISS → HIT → PARTIAL)", async () => {
    const range = `start=${daysAgo(40)}&end=${daysAgo(20)}`;
    const first = await martin.get(`/api/enedis/consumption/daily/09100000000001?${range}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache-Status")).toBe("MISS");
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    expect(Number(first.headers.get("X-RateLimit-Limit"))).toBe(50);
    const body = (await first.json()) as Body;
    expect(body.data.meter_reading.usage_point_id).toBe("09100000000001");
    expect(body.data.meter_reading.reading_type.unit).toBe("Wh");
    expect(body.data.meter_reading.interval_reading).toHaveLength(20);
    expect(body.data.meter_reading.interval_reading[0]).toMatchObject({ date: daysAgo(40), value: expect.stringMatching(/^\d+$/) });

    const before = await simulatorCalls();
    const second = await martin.get(`/api/enedis/consumption/daily/09100000000001?${range}`);
    expect(second.headers.get("X-Cache-Status")).toBe("HIT");
    expect(Number(second.headers.get("X-RateLimit-Limit"))).toBe(1000);
    expect(await simulatorCalls()).toBe(before);
    expect(((await second.json()) as Body).data).toEqual(body.data);

    const overlap = await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(50)}&end=${daysAgo(30)}`);
    expect(overlap.headers.get("X-Cache-Status")).toBe("PARTIAL");
    expect(await simulatorCalls()).toBe(before + 1); // only the 10 missing days, one call
    expect(((await overlap.json()) as Body).data.meter_reading.interval_reading).toHaveLength(20);

    const forced = await martin.get(`/api/enedis/consumption/daily/09100000000001?${range}&use_cache=false`);
    expect(forced.headers.get("X-Cache-Status")).toBe("MISS");
    expect(Number(forced.headers.get("X-RateLimit-Limit"))).toBe(50);
  });

  it("serves CSV with one row per reading", async () => {
    const res = await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(12)}&end=${daysAgo(10)}&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("usage_point_id,date,value_Wh,interval_length");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(new RegExp(`^09100000000001,${daysAgo(12)},\\d+,$`));
  });

  it("reads an end after today as today, and rejects bad dates with the documented codes", async () => {
    const clamped = await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(15)}&end=${addDays(today, 30)}`);
    expect(clamped.status).toBe(200);
    expect(((await clamped.json()) as Body).data.meter_reading.end).toBe(today);
    const cases: Array<[string, string]> = [
      [`start=2026-13-01&end=${today}`, "INVALID_DATE_FORMAT"],
      [`start=${daysAgo(3)}`, "INVALID_DATE_FORMAT"],
      [`start=${daysAgo(3)}&end=${daysAgo(3)}`, "INVALID_DATE_RANGE"],
      [`start=${daysAgo(2)}&end=${daysAgo(5)}`, "INVALID_DATE_RANGE"],
      [`start=${today}&end=${addDays(today, 2)}`, "INVALID_DATE_RANGE"],
      [`start=${addDays(today, -1200)}&end=${daysAgo(1100)}`, "DATE_TOO_OLD"],
    ];
    for (const [query, code] of cases) {
      const res = await martin.get(`/api/enedis/consumption/daily/09100000000001?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("X-RateLimit-Limit"), query).toBe("50"); // on every mirror answer, errors too
      const body = (await res.json()) as Body;
      expect(body.error?.code, query).toBe(code);
    }
    const old = (await (await martin.get(`/api/enedis/consumption/daily/09100000000001?start=${addDays(today, -1200)}&end=${daysAgo(1100)}`)).json()) as Body;
    expect(old.error?.message).toMatch(/\d{4}-\d{2}-\d{2}/);
    const badId = await martin.get(`/api/enedis/consumption/daily/0910000000000?start=${daysAgo(3)}&end=${daysAgo(1)}`);
    expect(badId.status).toBe(400);
    expect(((await badId.json()) as Body).error?.code).toBe("INVALID_USAGE_POINT_ID");
  });

  it("answers contract, address, identity and contact in v5 shapes", async () => {
    const contract = (await (await martin.get("/api/enedis/contract/09100000000001")).json()) as { data: { customer: { usage_points: Array<{ contracts: { subscribed_power: string } }> } } };
    expect(contract.data.customer.usage_points[0].contracts.subscribed_power).toMatch(/kVA$/);
    const address = (await (await martin.get("/api/enedis/address/09100000000001")).json()) as { data: { customer: { usage_points: Array<{ usage_point: { usage_point_addresses: { city: string } } }> } } };
    expect(address.data.customer.usage_points[0].usage_point.usage_point_addresses.city).toBeTruthy();
    const identity = await martin.get("/api/enedis/customer/09100000000001");
    expect(identity.status).toBe(200);
    expect(JSON.stringify(await identity.json())).toMatch(/identity/);
    const contact = await martin.get("/api/enedis/contact/09100000000001");
    expect(contact.status).toBe(200);
    expect(JSON.stringify(await contact.json())).toMatch(/"contact":/);
    const again = await martin.get("/api/enedis/contract/09100000000001");
    expect(again.headers.get("X-Cache-Status")).toBe("HIT");
  });
});

describe("mirror: load curves", () => {
  it("splits a 30-day load curve into 7-day calls, caches per day, and the batch alias answers the same", async () => {
    const durand = await household("durand");
    const before = await simulatorCalls();
    const res = await durand.get(`/api/enedis/consumption/detail/09200000000001?start=${daysAgo(40)}&end=${daysAgo(10)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.data.meter_reading.reading_type.unit).toBe("W");
    const readings = body.data.meter_reading.interval_reading;
    expect(readings.length).toBeGreaterThanOrEqual(30 * 48 - 2);
    expect(readings.length).toBeLessThanOrEqual(30 * 48 + 2);
    expect(readings[0].interval_length).toBe("PT30M");
    const calls = (await simulatorCalls()) - before;
    expect(calls).toBeGreaterThanOrEqual(5); // ceil(30/7) data calls (+ possibly a token)
    expect(calls).toBeLessThanOrEqual(6);
    const alias = await durand.get(`/api/enedis/consumption/detail/batch/09200000000001?start=${daysAgo(40)}&end=${daysAgo(10)}`);
    expect(alias.headers.get("X-Cache-Status")).toBe("HIT");
    expect(((await alias.json()) as Body).data).toEqual(body.data);
  });

  it("NO_DATA when the load curve is not activated; daily data still works", async () => {
    const leroy = await household("leroy");
    const curve = await leroy.get(`/api/enedis/consumption/detail/09400000000001?start=${daysAgo(10)}&end=${daysAgo(8)}`);
    expect(curve.status).toBe(404);
    expect(((await curve.json()) as Body).error?.code).toBe("NO_DATA");
    expect((await leroy.get(`/api/enedis/consumption/daily/09400000000001?start=${daysAgo(10)}&end=${daysAgo(8)}`)).status).toBe(200);
  });

  it("production series for a self-consumer", async () => {
    const petit = await household("petit");
    const daily = await petit.get(`/api/enedis/production/daily/09300000000001?start=${daysAgo(10)}&end=${daysAgo(8)}`);
    expect(daily.status).toBe(200);
    const curve = (await (await petit.get(`/api/enedis/production/detail/09300000000001?start=${daysAgo(10)}&end=${daysAgo(9)}`)).json()) as Body;
    const night = curve.data.meter_reading.interval_reading.find((r) => r.date.endsWith(" 02:00:00"));
    expect(night?.value).toBe("0");
    const power = await petit.get(`/api/enedis/power/09300000000001?start=${daysAgo(10)}&end=${daysAgo(8)}`);
    expect(((await power.json()) as Body).data.meter_reading.reading_type.unit).toBe("VA");
  });
});

describe("mirror: Enedis errors become gateway errors", () => {
  it("CONSENT_REQUIRED after the household revoked its consent, and the PDL status tells it", async () => {
    const b = await household("martin");
    const list = (await (await call("/api/pdl", { headers: bearer(b.secret) })).json()) as { data: Array<{ usage_point_id: string }> };
    const id = list.data[0]?.usage_point_id;
    expect(id).toBeTruthy();
    await call("/simulator/_control/revoke", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ usage_point_id: id }) });
    const res = await b.get(`/api/enedis/consumption/daily/${id}?start=${daysAgo(5)}&end=${daysAgo(3)}&use_cache=false`);
    expect(res.status).toBe(403);
    const body = (await res.json()) as Body;
    expect(body.error?.code).toBe("CONSENT_REQUIRED");
    expect(body.error?.message).not.toMatch(/ADAM|No consent can be found/);
    expect(res.headers.get("X-RateLimit-Limit")).toBeTruthy();
    const status = (await (await b.get(`/api/pdl/${id}/status`)).json()) as { data: { consent_valid: boolean; last_error?: string } };
    expect(status.data).toMatchObject({ consent_valid: false, last_error: "CONSENT_REQUIRED" });
  });

  it("ENEDIS_UNAVAILABLE when Enedis keeps failing, and what was cached stays intact", async () => {
    const b = await household("petit");
    const id = ((await (await b.get("/api/pdl")).json()) as { data: Array<{ usage_point_id: string }> }).data[0].usage_point_id;
    const cachedRange = `start=${daysAgo(30)}&end=${daysAgo(25)}`;
    const cachedBody = await (await b.get(`/api/enedis/consumption/daily/${id}?${cachedRange}`)).json();
    await call("/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 500, count: 3 }) });
    const res = await b.get(`/api/enedis/consumption/daily/${id}?start=${daysAgo(35)}&end=${daysAgo(25)}`);
    await call("/simulator/_control/reset", { method: "POST" });
    expect([502, 503]).toContain(res.status);
    const body = (await res.json()) as Body;
    expect(body.error?.code).toBe("ENEDIS_UNAVAILABLE");
    const after = await b.get(`/api/enedis/consumption/daily/${id}?${cachedRange}`);
    expect(after.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await after.json()).toEqual(cachedBody);
  });
});

describe("Enedis's budget", () => {
  it("an Enedis 429 becomes ENEDIS_BUSY with Retry-After, is retried at most once (after Enedis's stated time), and costs no quota", async () => {
    const b = await household("durand");
    const noCacheUsed = async () => ((await (await b.get("/api/accounts/usage-stats")).json()) as { data: { no_cache_requests: number } }).data.no_cache_requests;
    const usedBefore = await noCacheUsed();
    await call("/simulator/_control/reset", { method: "POST" });
    await call("/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 429, count: 2 }) });
    const res = await b.get(`/api/enedis/consumption/daily/09200000000002?start=${daysAgo(9)}&end=${daysAgo(8)}&use_cache=false`);
    expect(res.status).toBe(429);
    expect(((await res.json()) as Body).error?.code).toBe("ENEDIS_BUSY");
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await simulatorCalls()).toBe(2); // one retry after Enedis's stated next-access time, no more
    expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(50 - usedBefore));
    expect(await noCacheUsed()).toBe(usedBefore); // refused by Enedis's budget, nothing served: given back
  });
});

describe("quota", () => {
  it("QUOTA_EXCEEDED (429, Retry-After until midnight UTC) once the no-cache quota is used", async () => {
    const b = await household("leroy");
    const me = (await (await b.get("/api/accounts/me")).json()) as { data: { user_id: string } };
    const gate = env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(me.data.user_id));
    for (let i = 0; i < 60; i++) await gate.count("no_cache", { noCache: 50, withCache: 1000 }, Date.now());
    const id = ((await (await b.get("/api/pdl")).json()) as { data: Array<{ usage_point_id: string }> }).data[0].usage_point_id;
    const res = await b.get(`/api/enedis/consumption/daily/${id}?start=${daysAgo(9)}&end=${daysAgo(8)}&use_cache=false`);
    expect(res.status).toBe(429);
    expect(((await res.json()) as Body).error?.code).toBe("QUOTA_EXCEEDED");
    const retry = Number(res.headers.get("Retry-After"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86400);
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("0");
    const stats = (await (await b.get("/api/accounts/usage-stats")).json()) as { data: { no_cache_requests: number } };
    expect(stats.data.no_cache_requests).toBe(50);
  });
});
