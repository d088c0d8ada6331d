import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import type { Env as AppEnv } from "../../src/env";
import { simulatorApp } from "../../src/simulator/app";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";
import { enedisDataCalls, simulatorControl } from "../support/simulator";

/**
 * Gaps Enedis really produces (../shared/enedis-api/README.md, last section): a PDL without a load curve answers
 * "no data" for every chunk — remembered, so a year costs 53 calls once and none after; a chunk reaching before the
 * meter's activation answers ADAM-ERR0123 — a gap, not a failure of the whole range; a known activation date keeps
 * the gateway from asking before it at all.
 */
const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);

async function household(name: string) {
  const b = new Browser();
  const account = await b.signup();
  await consent(b, name);
  return (path: string) => call(path, { headers: bearer(account.clientSecret) });
}

afterEach(() => vi.restoreAllMocks());

describe("no data is remembered (negative cache)", () => {
  it("a year of load curve from a PDL without one: 53 Enedis calls the first time, none the next", async () => {
    const leroy = await household("leroy"); // load curve not activated: every chunk answers 404 no_data_found
    const url = `/api/enedis/consumption/detail/09400000000001?start=${daysAgo(371)}&end=${daysAgo(6)}`; // 365 days
    await simulatorControl("reset", {});
    const first = await leroy(url);
    expect(first.status).toBe(404);
    expect(((await first.json()) as { error: { code: string } }).error.code).toBe("NO_DATA");
    expect(await enedisDataCalls()).toBe(53);
    expect(first.headers.get("X-RateLimit-Limit")).toBe("50"); // it needed Enedis: counted as no-cache

    await simulatorControl("reset", {});
    const again = await leroy(url);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("NO_DATA");
    expect(await enedisDataCalls()).toBe(0);
    expect(again.headers.get("X-RateLimit-Limit")).toBe("1000"); // answered from what the cache knows

    // use_cache=false still asks Enedis
    await simulatorControl("reset", {});
    expect((await leroy(`/api/enedis/consumption/detail/09400000000001?start=${daysAgo(20)}&end=${daysAgo(13)}&use_cache=false`)).status).toBe(404);
    expect(await enedisDataCalls()).toBe(1);
  });
});

describe("before the meter's activation", () => {
  it("ADAM-ERR0123 on one chunk is a gap: the other chunk's days are served", async () => {
    const martin = await household("martin");
    const original = simulatorApp.fetch.bind(simulatorApp);
    const boundary = daysAgo(40); // Enedis's answer when a chunk starts before this "activation"
    vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request, ...rest: unknown[]) => {
      const url = new URL(request.url);
      const start = url.searchParams.get("dateDebut");
      if (url.pathname.includes("consommation_quotidienne") && start && start < boundary) {
        return Response.json({ code: "ADAM-ERR0123", message: "La période demandée est antérieure à la date de mise en service du compteur" }, { status: 400 });
      }
      return original(request, ...(rest as [AppEnv]));
    });
    // 400 days: one 365-day chunk (refused) and one 35-day chunk (served)
    const res = await martin(`/api/enedis/consumption/daily/09100000000001?start=${daysAgo(400)}&end=${daysAgo(0)}`);
    expect(res.status).toBe(200);
    const days = ((await res.json()) as { data: { meter_reading: { interval_reading: Array<{ date: string }> } } }).data.meter_reading.interval_reading.map((r) => r.date);
    expect(days.length).toBeGreaterThan(20);
    expect(days.every((d) => d >= daysAgo(35))).toBe(true);
  });

  it("with the contract's activation date, days before it are never asked", async () => {
    const martin = await household("petit");
    await env.DB.prepare("UPDATE usage_points SET activation_date = ? WHERE usage_point_id = ?").bind(daysAgo(10), "09300000000001").run();
    const asked: string[] = [];
    const original = simulatorApp.fetch.bind(simulatorApp);
    vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request, ...rest: unknown[]) => {
      const start = new URL(request.url).searchParams.get("dateDebut");
      if (start) asked.push(start);
      return original(request, ...(rest as [AppEnv]));
    });
    const res = await martin(`/api/enedis/consumption/daily/09300000000001?start=${daysAgo(60)}&end=${daysAgo(1)}`);
    expect(res.status).toBe(200);
    expect(asked).toEqual([daysAgo(10)]);
    const readings = ((await res.json()) as { data: { meter_reading: { start: string; interval_reading: unknown[] } } }).data.meter_reading;
    expect(readings.start).toBe(daysAgo(60)); // the range asked, as Enedis would echo it
    expect(readings.interval_reading.length).toBe(9);
    // a range wholly before the activation: nothing to ask, no data
    await simulatorControl("reset", {});
    const before = await martin(`/api/enedis/consumption/daily/09300000000001?start=${daysAgo(60)}&end=${daysAgo(30)}`);
    expect(before.status).toBe(404);
    expect(await enedisDataCalls()).toBe(0);
  });
});
