import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, historyLimit, todayInParis } from "../../src/enedis/dates";
import { call } from "../support/http";
import { consoHousehold, type ConsoErrorBody } from "./conso-helpers";

const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);
const READING_KEYS = ["end", "interval_reading", "quality", "reading_type", "start", "usage_point_id"];

/** Each Conso type, the mirror route that must answer the same readings, and a household that has that series. */
const TYPES = [
  { type: "daily_consumption", mirror: "consumption/daily", household: "martin", range: [20, 10] },
  { type: "consumption_load_curve", mirror: "consumption/detail", household: "martin", range: [12, 10] },
  { type: "consumption_max_power", mirror: "power", household: "martin", range: [20, 10] },
  { type: "daily_production", mirror: "production/daily", household: "petit", range: [20, 10] },
  { type: "production_load_curve", mirror: "production/detail", household: "petit", range: [12, 10] },
] as const;

describe("Conso API surface: the five data types", () => {
  for (const t of TYPES) {
    it(`GET /api/${t.type} answers the bare meter_reading, from the mirror's cache, with its headers`, async () => {
      const h = await consoHousehold(t.household);
      const prm = h.ids[0];
      const q = `start=${daysAgo(t.range[0])}&end=${daysAgo(t.range[1])}`;
      const usedBefore = ((await (await h.mirror("/api/accounts/usage-stats")).json()) as { data: { no_cache_requests: number } }).data.no_cache_requests;
      const res = await h.conso(`/api/${t.type}?prm=${prm}&${q}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Cache-Status")).toBe("MISS");
      expect(Number(res.headers.get("X-RateLimit-Limit"))).toBe(50);
      expect(res.headers.get("X-RateLimit-Remaining")).toBe(String(50 - usedBefore - 1)); // this request, on the mirror's quota
      expect(Number(res.headers.get("X-RateLimit-Reset"))).toBeGreaterThan(Date.now() / 1000);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin"); // readable by browser tools
      const body = (await res.json()) as Record<string, unknown> & { usage_point_id: string; interval_reading: unknown[] };
      expect(Object.keys(body).sort()).toEqual(READING_KEYS);
      expect(body).toMatchObject({ usage_point_id: prm, start: daysAgo(t.range[0]), end: daysAgo(t.range[1]) });
      expect(body.interval_reading.length).toBeGreaterThan(0);
      // The same cache as the mirror: the mirror now reads it as a hit, and the very same readings.
      const mirrored = await h.mirror(`/api/enedis/${t.mirror}/${prm}?${q}`);
      expect(mirrored.headers.get("X-Cache-Status")).toBe("HIT");
      expect(((await mirrored.json()) as { data: { meter_reading: unknown } }).data.meter_reading).toEqual(body);
      const again = await h.conso(`/api/${t.type}?prm=${prm}&${q}`);
      expect(again.headers.get("X-Cache-Status")).toBe("HIT");
      expect(Number(again.headers.get("X-RateLimit-Limit"))).toBe(1000);
    });

    it(`OPTIONS /api/${t.type} is a permissive CORS preflight (200)`, async () => {
      const res = await call(`/api/${t.type}?prm=09100000000001`, { method: "OPTIONS", headers: { Origin: "https://mirror.example", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(res.headers.get("Access-Control-Allow-Methods")).toMatch(/GET/);
      expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/i);
    });
  }

  it("the path with a trailing slash, as some Conso scripts write it, answers the same", async () => {
    const h = await consoHousehold("martin");
    const q = `prm=${h.ids[0]}&start=${daysAgo(6)}&end=${daysAgo(4)}`;
    const plain = await h.conso(`/api/daily_consumption?${q}`);
    const slashed = await h.conso(`/api/daily_consumption/?${q}`);
    expect(slashed.status).toBe(200);
    expect(slashed.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await slashed.json()).toEqual(await plain.json());
  });

  it("CORS preflight is for these five routes only", async () => {
    const res = await call("/api/pdl", { method: "OPTIONS", headers: { Origin: "https://mirror.example", "Access-Control-Request-Method": "GET" } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("same-origin");
  });
});

describe("Conso API surface: documented errors", () => {
  let h: Awaited<ReturnType<typeof consoHousehold>>;
  beforeAll(async () => {
    h = await consoHousehold("leroy"); // no load curve: NO_DATA for it
  });
  const range = `start=${daysAgo(9)}&end=${daysAgo(8)}`;
  const expectBody = async (res: Response, status: number) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as ConsoErrorBody;
    expect(body.status).toBe(status);
    expect(typeof body.message).toBe("string");
    expect(body.message.length).toBeGreaterThan(0);
    return body;
  };

  it("missing Authorization header: 400", async () => {
    const body = await expectBody(await call(`/api/daily_consumption?prm=${h.ids[0]}&${range}`), 400);
    expect(body.message).toMatch(/Authorization/);
  });

  it("bad token, wrong scheme, or PRM not in the token: 401 with Conso API's text", async () => {
    const text = "Votre token est invalide ou ne permet pas d'accéder à ce PRM";
    for (const res of [
      await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&${range}`, "not-a-token"),
      await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&${range}`, h.account.clientSecret), // an API key is not a conso token
      await call(`/api/daily_consumption?prm=${h.ids[0]}&${range}`, { headers: { Authorization: `Basic ${h.token}` } }),
      await h.conso(`/api/daily_consumption?prm=09100000000001&${range}`), // a real PRM, not this token's
    ]) {
      expect((await expectBody(res, 401)).message).toBe(text);
    }
  });

  it("invalid parameters: 400 (prm, missing or malformed dates, start not before end)", async () => {
    for (const q of [`prm=123&${range}`, range, `prm=${h.ids[0]}&end=${daysAgo(8)}`, `prm=${h.ids[0]}&start=2026-13-01&end=${daysAgo(8)}`, `prm=${h.ids[0]}&start=${daysAgo(8)}&end=${daysAgo(9)}`]) {
      const body = await expectBody(await h.conso(`/api/daily_consumption?${q}`), 400);
      expect(body.error).toBeUndefined();
    }
  });

  it("start before the history limit: 400 with the exact error_description ha-linky stops on", async () => {
    const tooOld = addDays(historyLimit("consumption_daily", today), -1);
    const body = await expectBody(await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&start=${tooOld}&end=${addDays(tooOld, 5)}`), 400);
    expect(body.error?.error_description).toBe("The start date must be greater than the history deadline.");
  });

  it("no data: 404 no_data_found", async () => {
    const body = await expectBody(await h.conso(`/api/consumption_load_curve?prm=${h.ids[0]}&${range}`), 404);
    expect(body.error).toEqual({ error: "no_data_found", error_description: "no measure found for this usage point" });
  });

  it("Enedis budget (Enedis 429): 429 with Retry-After", async () => {
    await call("/simulator/_control/reset", { method: "POST" });
    await call("/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 429, count: 2 }) }); // the gateway may retry once, after Enedis's stated time
    const res = await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&start=${daysAgo(30)}&end=${daysAgo(29)}`);
    await call("/simulator/_control/reset", { method: "POST" });
    await expectBody(res, 429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("Enedis failure: 502/503 in the Conso error shape", async () => {
    await call("/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ status: 500, count: 3 }) });
    const res = await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&start=${daysAgo(40)}&end=${daysAgo(39)}`);
    await call("/simulator/_control/reset", { method: "POST" });
    expect([502, 503]).toContain(res.status);
    await expectBody(res, res.status);
  });

  it("a disabled PDL: 409, nothing read", async () => {
    const other = await consoHousehold("durand");
    await call(`/api/pdl/${other.ids[1]}`, { method: "PATCH", headers: { Authorization: `Bearer ${other.account.clientSecret}`, "Content-Type": "application/json" }, body: JSON.stringify({ is_active: false }) });
    await expectBody(await other.conso(`/api/daily_consumption?prm=${other.ids[1]}&${range}`), 409);
  });

  it("daily quota used up: 429 with Retry-After until midnight UTC and X-RateLimit-Remaining 0", async () => {
    const gate = env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName((await env.DB.prepare("SELECT user_id FROM usage_points WHERE usage_point_id = ?").bind(h.ids[0]).first<{ user_id: string }>())!.user_id));
    for (let i = 0; i < 60; i++) await gate.count("no_cache", { noCache: 50, withCache: 1000 }, Date.now());
    const res = await h.conso(`/api/daily_consumption?prm=${h.ids[0]}&start=${daysAgo(60)}&end=${daysAgo(59)}`);
    await expectBody(res, 429);
    const retry = Number(res.headers.get("Retry-After"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(86400);
    expect(res.headers.get("X-RateLimit-Remaining")).toBe("0");
  });
});
