import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import worker from "../../src/index";
import { TOKEN_KEEPER_NAME, type EnedisTokenKeeper } from "../../src/limits/token-keeper";
import { simulatorApp } from "../../src/simulator/app";
import { Browser, bearer, ORIGIN } from "../support/http";
import { consent } from "../support/consent";
import { simulatorControl } from "../support/simulator";

/**
 * Enedis credentials rotated with `wrangler secret put ENEDIS_CLIENT_SECRET` (README "Rotating the Enedis
 * credentials"): a new version of the worker, and of its Durable Objects, runs with the new secret. The application
 * token issued to the old credentials is dropped at once — even though Enedis (and the simulator) would still accept
 * it until it expires — and the next request gets a new one with exactly one token call. A token Enedis revoked
 * (401) is replaced by one token call too.
 */
const MARTIN_PDL = "09100000000001";
const today = todayInParis(new Date());
let secret: string;

// What reaches the simulated Enedis: token calls, and the bearer token of each data call.
let tokenCalls = 0;
let bearersSeen: string[] = [];
const passThrough = simulatorApp.fetch.bind(simulatorApp);

const keeper = () => env.ENEDIS_TOKEN.get(env.ENEDIS_TOKEN.idFromName(TOKEN_KEEPER_NAME));
/** The platform restarts the object with the new secrets; here its env is swapped in place (a harder case: memory kept). */
const keeperRunsWith = (workerEnv: Cloudflare.Env) =>
  runInDurableObject(keeper(), (instance: EnedisTokenKeeper) => {
    (instance as unknown as { env: Cloudflare.Env }).env = workerEnv;
  });

let day = 10;
/** A request no cache can answer (a range not asked before), through the worker running with `workerEnv`. */
async function dailyWith(workerEnv: Cloudflare.Env): Promise<Response> {
  day += 3;
  const range = `start=${addDays(today, -day - 2)}&end=${addDays(today, -day)}`;
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}/api/enedis/consumption/daily/${MARTIN_PDL}?${range}`, { headers: bearer(secret) }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

beforeAll(async () => {
  await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = ?").bind(MARTIN_PDL).run();
  const b = new Browser();
  secret = (await b.signup()).clientSecret;
  await consent(b, "martin");
  vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request, ...rest: unknown[]) => {
    if (new URL(request.url).pathname === "/oauth2/v3/token") tokenCalls++;
    else bearersSeen.push(request.headers.get("Authorization") ?? "");
    return (passThrough as (r: Request, ...a: unknown[]) => Promise<Response>)(request, ...rest);
  });
});
beforeEach(async () => {
  // each test starts with the simulated Enedis's per-second windows empty (its throttling is not under test here)
  await simulatorControl("reset");
  tokenCalls = 0;
  bearersSeen = [];
});
afterAll(async () => {
  await keeperRunsWith(env);
  vi.restoreAllMocks();
});

describe("Enedis credentials rotation", () => {
  it("a new client secret: the next request succeeds with exactly one token call, and the old token is never sent again", async () => {
    expect((await dailyWith(env)).status).toBe(200);
    const oldBearer = bearersSeen.at(-1)!;
    expect(oldBearer).toMatch(/^Bearer /);

    const rotated = { ...env, ENEDIS_CLIENT_SECRET: "rotated-enedis-client-secret" };
    await keeperRunsWith(rotated);
    tokenCalls = 0;
    bearersSeen = [];
    expect((await dailyWith(rotated)).status).toBe(200);
    expect(tokenCalls).toBe(1);
    expect(bearersSeen.length).toBeGreaterThan(0);
    expect(bearersSeen).not.toContain(oldBearer);

    // and the new token is then kept: no second token call
    const newBearer = bearersSeen[0];
    tokenCalls = 0;
    bearersSeen = [];
    expect((await dailyWith(rotated)).status).toBe(200);
    expect(tokenCalls).toBe(0);
    expect(new Set(bearersSeen)).toEqual(new Set([newBearer]));
  });

  it("the simulated Enedis refuses the secret that was rotated out (the rotation above is a real one)", async () => {
    // Sanity of the setup above: the simulator refuses a token call with the secret that was rotated out.
    const res = await simulatorApp.fetch(
      new Request("http://simulator.internal/oauth2/v3/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: "simulator-client-id", client_secret: "simulator-client-secret" }),
      }),
      { ...env, ENEDIS_CLIENT_SECRET: "rotated-enedis-client-secret" },
    );
    expect(res.status).toBe(401);
  });

  it("a token Enedis revoked (401): replaced by one token call, the request still succeeds", async () => {
    await keeperRunsWith(env);
    expect((await dailyWith(env)).status).toBe(200);
    const before = bearersSeen.at(-1)!;
    expect((await simulatorControl("faults", { api: "mesure_synchrone_auto", status: 401, count: 1 })).status).toBe(200);
    tokenCalls = 0;
    bearersSeen = [];
    expect((await dailyWith(env)).status).toBe(200);
    expect(tokenCalls).toBe(1);
    expect(bearersSeen[0]).toBe(before); // refused once…
    expect(bearersSeen.slice(1)).not.toContain(before); // …and never sent again
  });
});
