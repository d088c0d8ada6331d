import { env } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulatorThrottle } from "../../src/simulator/throttle";
import { bearer, daysAgo, getToken, giveConsent, paced, sim } from "./simulator-helpers";

let token: string;
const v5Daily = () => `/metering_data_dc/v5/daily_consumption?usage_point_id=09100000000001&start=${daysAgo(3)}&end=${daysAgo(2)}`;
const v2026Daily = (pointId = "09100000000001") =>
  `/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=${pointId}&dateDebut=${daysAgo(3)}&dateFin=${daysAgo(2)}`;
const control = (path: string, body: unknown = {}) =>
  sim(`/_control/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const stats = async () => (await (await sim("/_control/stats")).json()) as { total: number; throttled: number; by_path: Record<string, number>; pending_faults: number; arrivals_ms: number[] };

beforeAll(async () => {
  await giveConsent("v1", "martin");
  await giveConsent("v1", "durand");
  token = await getToken();
});

beforeEach(async () => {
  await scheduler.wait(1100); // let the previous test's burst window pass
  expect((await control("reset")).status).toBe(200);
});

describe("Enedis's 5 calls per second (Q3), all APIs together", () => {
  it("6 parallel calls: at least one 429 with Enedis's v5 body", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => sim(v5Daily(), bearer(token))));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
    const refused = answers.find((r) => r.status === 429)!;
    const body = (await refused.json()) as Record<string, string>;
    expect(body.error).toBe("Quota Q3 reached");
    expect(body.error_description).toMatch(/\d{4}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000 UTC/);
  });

  it("mixing generations still counts together; 2026 answers 429 with a WSO2 code and nextAccessTime", async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 3 }, () => sim(v5Daily(), bearer(token))),
      ...Array.from({ length: 3 }, () => sim(v2026Daily(), bearer(token))),
    ]);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(1);
    const refused2026 = answers.slice(3).find((r) => r.status === 429);
    if (refused2026) {
      const body = (await refused2026.json()) as Record<string, string>;
      expect(body.code).toBe("900807");
      expect(body.nextAccessTime).toMatch(/UTC$/);
    }
    expect((await stats()).throttled).toBeGreaterThanOrEqual(1);
  });

  it("a paced client (5 per second) is never refused", async () => {
    for (let i = 0; i < 5; i++) expect((await sim(v5Daily(), bearer(token))).status).toBe(200);
    await scheduler.wait(1100);
    expect((await sim(v5Daily(), bearer(token))).status).toBe(200);
  });
});

describe("hourly caps (kept in the SimulatorThrottle Durable Object)", () => {
  it("refuses past the cap of a bucket until the next hour, other buckets unaffected", async () => {
    const throttle = simulatorThrottle(env);
    const call = { path: "/test", hourlyBucket: "test-api", hourlyLimit: 2 };
    expect(await throttle.admit(call)).toEqual({ outcome: "ok" });
    expect(await throttle.admit(call)).toEqual({ outcome: "ok" });
    const refused = await throttle.admit(call);
    expect(refused).toMatchObject({ outcome: "throttled", window: "hour" });
    expect((refused as { retryAtMs: number }).retryAtMs % 3_600_000).toBe(0);
    expect(await throttle.admit({ ...call, hourlyBucket: "other-api" })).toEqual({ outcome: "ok" });
  });
});

describe("queued faults (/_control/faults)", () => {
  it("fail the next `count` matching calls like Enedis, then recover", async () => {
    expect((await control("faults", { api: "metering_data_dc", status: 500, count: 2 })).status).toBe(200);
    const first = await paced(v5Daily(), bearer(token));
    expect(first.status).toBe(500);
    expect(((await first.json()) as Record<string, string>).error).toBe("ADAM-DC-0500");
    expect((await paced(v5Daily(), bearer(token))).status).toBe(500);
    expect((await paced(v5Daily(), bearer(token))).status).toBe(200);
  });

  it("match on usage_point_id and answer 503 / 401 / 429 in the generation's shape", async () => {
    await control("faults", { usage_point_id: "09200000000001", status: 503, count: 1 });
    expect((await paced(v2026Daily("09100000000001"), bearer(token))).status).toBe(200);
    const down = await paced(v2026Daily("09200000000001"), bearer(token));
    expect(down.status).toBe(503);
    expect(((await down.json()) as Record<string, string>).code).toBe("503");

    await control("faults", { api: "/mesure_synchrone_auto", status: 401, count: 1 });
    expect((await paced(v2026Daily(), bearer(token))).status).toBe(401);
    await control("faults", { status: 429, count: 1 });
    const busy = await sim(v2026Daily(), bearer(token));
    expect(busy.status).toBe(429);
    expect(((await busy.json()) as Record<string, string>).nextAccessTime).toBeDefined();
    expect((await stats()).pending_faults).toBe(0);
  });

  it("refuse malformed fault requests", async () => {
    expect((await control("faults", { status: 418, count: 1 })).status).toBe(400);
    expect((await control("faults", { status: 500, count: 0 })).status).toBe(400);
    expect((await control("revoke", { usage_point_id: "123" })).status).toBe(400);
  });
});

describe("call statistics (/_control/stats, /_control/reset)", () => {
  it("count calls per API path since the last reset", async () => {
    await paced(v5Daily(), bearer(token));
    await paced(v5Daily(), bearer(token));
    await paced("/situation_contrat_auto/v1/09100000000001", bearer(token));
    const s = await stats();
    expect(s.by_path).toEqual({ "/metering_data_dc/v5/daily_consumption": 2, "/situation_contrat_auto/v1/{usage_point_id}": 1 });
    expect(s.total).toBe(3);
    // One arrival time per call, in order: what the benchmark's strict busiest-second figure is computed from.
    expect(s.arrivals_ms).toHaveLength(3);
    expect([...s.arrivals_ms].sort((x, y) => x - y)).toEqual(s.arrivals_ms);
    await control("faults", { status: 500, count: 3 });
    await control("reset");
    const cleared = await stats();
    expect(cleared).toMatchObject({ total: 0, throttled: 0, by_path: {}, pending_faults: 0, arrivals_ms: [] });
  });
});
