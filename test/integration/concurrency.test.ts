import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { forgetApplicationToken } from "../../src/enedis/app-token";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";

const daysAgo = (n: number) => addDays(todayInParis(new Date()), -n);
const stats = async () => (await (await call("/simulator/_control/stats")).json()) as { total: number; by_path: Record<string, number> };
const tokenCalls = (s: { by_path: Record<string, number> }) => Object.entries(s.by_path).filter(([p]) => p.includes("oauth2/v3/token")).reduce((n, [, v]) => n + v, 0);
const post = (path: string, body: unknown) => call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("Enedis token under concurrency", () => {
  it("one application token for every PDL and account: parallel reads with no token cause exactly one fetch", async () => {
    const durand = new Browser();
    const a = await durand.signup();
    await consent(durand, "durand");
    const petit = new Browser();
    const b = await petit.signup();
    await consent(petit, "petit");
    await forgetApplicationToken(env);
    await post("/simulator/_control/reset", {});
    const reads = [
      ...["09200000000001", "09200000000002"].flatMap((pdl) => [0, 1, 2].map((i) => ({ pdl, i, secret: a.clientSecret }))),
      ...[0, 1].map((i) => ({ pdl: "09300000000001", i, secret: b.clientSecret })),
    ];
    const answers = await Promise.all(
      reads.map(({ pdl, i, secret }) => call(`/api/enedis/consumption/daily/${pdl}?start=${daysAgo(20 + i)}&end=${daysAgo(19 + i)}`, { headers: bearer(secret) })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(reads.length).fill(200));
    expect(tokenCalls(await stats())).toBe(1);
  });

  it("an Enedis 401 triggers one refresh and one retry, invisible to the client", async () => {
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "leroy");
    // The consent keeps no token per PDL: a first read makes sure the gateway holds its token before the 401 is staged.
    await call(`/api/enedis/consumption/daily/09400000000001?start=${daysAgo(14)}&end=${daysAgo(13)}`, { headers: bearer(account.clientSecret) });
    await post("/simulator/_control/reset", {});
    await post("/simulator/_control/faults", { status: 401, count: 1, usage_point_id: "09400000000001" });
    const res = await call(`/api/enedis/consumption/daily/09400000000001?start=${daysAgo(12)}&end=${daysAgo(10)}`, { headers: bearer(account.clientSecret) });
    expect(res.status).toBe(200);
    expect(tokenCalls(await stats())).toBe(1);
  });
});

describe("quota under concurrency", () => {
  it("parallel cached requests are all counted (no lost increment)", async () => {
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "martin");
    const url = `/api/enedis/consumption/daily/09100000000001?start=${daysAgo(30)}&end=${daysAgo(20)}`;
    expect((await call(url, { headers: bearer(account.clientSecret) })).headers.get("X-Cache-Status")).toBe("MISS");
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(url, { headers: bearer(account.clientSecret) })));
    expect(answers.every((r) => r.headers.get("X-Cache-Status") === "HIT")).toBe(true);
    const remaining = answers.map((r) => Number(r.headers.get("X-RateLimit-Remaining"))).sort((x, y) => x - y);
    expect(new Set(remaining).size).toBe(20); // each request saw its own count
    const usage = (await (await call("/api/accounts/usage-stats", { headers: bearer(account.clientSecret) })).json()) as { data: { cached_requests: number; no_cache_requests: number } };
    // no-cache: the consent's 2 Enedis requests (discovery page, contract summary) and the first MISS
    expect(usage.data).toMatchObject({ cached_requests: 20, no_cache_requests: 3 });
  });
});
