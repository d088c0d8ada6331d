import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applicationToken, forgetApplicationToken, replaceRejectedToken, withApplicationToken } from "../../src/enedis/app-token";
import { APP_TOKEN_KV_KEY, REFRESH_MARGIN_MS, openAppToken, sealAppToken } from "../../src/enedis/app-token-record";
import { EnedisTokenRejected } from "../../src/enedis/errors";
import { AppError } from "../../src/http/errors";
import { simulatorApp } from "../../src/simulator/app";

/**
 * One Enedis application token for the whole gateway (API.md "What the gateway expects from Enedis"): fetched once,
 * shared through KV by every isolate, refreshed once by the EnedisTokenKeeper object, replaced once after a 401.
 * Upstream token requests are counted where they leave the gateway: in simulator mode the Enedis client hands every
 * request to simulatorApp.fetch in this same isolate (the Durable Object included), so a spy sees them all.
 */
let tokenRequests = 0;
let answerToken: () => Promise<Response>;
const tokenAnswer = (token: string, expiresIn = "12600") => Response.json({ access_token: token, token_type: "Bearer", expires_in: expiresIn, scope: "" });

beforeEach(async () => {
  await forgetApplicationToken(env); // memory, KV and the keeper start empty for each test
  tokenRequests = 0;
  answerToken = async () => tokenAnswer("new");
  vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request) => {
    if (new URL(request.url).pathname !== "/oauth2/v3/token") return new Response("unexpected", { status: 418 });
    tokenRequests++;
    return answerToken();
  });
});
afterEach(() => vi.restoreAllMocks());

describe("the application token", () => {
  it("is fetched exactly once for 10 concurrent callers finding none", async () => {
    answerToken = async () => {
      await scheduler.wait(50); // an upstream round trip, during which the other callers arrive
      return tokenAnswer("first");
    };
    const tokens = await Promise.all(Array.from({ length: 10 }, () => applicationToken(env)));
    expect(tokens).toEqual(Array(10).fill("first"));
    expect(tokenRequests).toBe(1);
  });

  it("is read from KV (sealed) by an isolate that does not hold it, without asking the keeper or Enedis", async () => {
    const sealed = await sealAppToken(env, { accessToken: "from-kv", expiresAtMs: Date.now() + 3_600_000 });
    expect(sealed).not.toContain("from-kv");
    await env.KV.put(APP_TOKEN_KV_KEY, sealed);
    expect(await applicationToken(env)).toBe("from-kv");
    expect(tokenRequests).toBe(0);
  });

  it("is sealed at rest: KV holds no readable token, and a copy moved under other Enedis credentials does not open", async () => {
    await applicationToken(env);
    const stored = await env.KV.get(APP_TOKEN_KV_KEY);
    expect(stored).toBeTruthy();
    expect(stored).not.toContain("new");
    expect(await openAppToken(env, stored)).toMatchObject({ accessToken: "new" });
    const otherCredentials = { ...env, ENEDIS_CLIENT_ID: "another-enedis-application" };
    expect(await openAppToken(otherCredentials, stored)).toBeNull();
    // KV keeps it only while it lives
    const list = await env.KV.list({ prefix: APP_TOKEN_KV_KEY });
    expect(list.keys[0].expiration).toBeGreaterThan(Date.now() / 1000 + 3000);
  });

  it("is used until shortly before it expires, then refreshed once", async () => {
    expect(await applicationToken(env)).toBe("new");
    answerToken = async () => tokenAnswer("refreshed");
    expect(await applicationToken(env)).toBe("new"); // from memory: no new call
    expect(tokenRequests).toBe(1);
    // a token with less than the margin left is replaced, by one fetch shared by concurrent callers
    await forgetApplicationToken(env);
    answerToken = async () => tokenAnswer("short", String(Math.floor(REFRESH_MARGIN_MS / 1000) - 10));
    expect(await applicationToken(env)).toBe("short");
    answerToken = async () => tokenAnswer("refreshed");
    const tokens = await Promise.all(Array.from({ length: 5 }, () => applicationToken(env)));
    expect(tokens).toEqual(Array(5).fill("refreshed"));
    expect(tokenRequests).toBe(3);
  });

  it("after a 401, is replaced once however many requests saw it, and not again for an already replaced token", async () => {
    expect(await applicationToken(env)).toBe("new");
    answerToken = async () => {
      await scheduler.wait(50);
      return tokenAnswer("after-401");
    };
    const replaced = await Promise.all(Array.from({ length: 10 }, () => replaceRejectedToken(env, "new")));
    expect(replaced).toEqual(Array(10).fill("after-401"));
    expect(tokenRequests).toBe(2);
    // a late report of the old token (an isolate that read KV before the refresh): the current one, no fetch
    expect(await replaceRejectedToken(env, "new")).toBe("after-401");
    expect(tokenRequests).toBe(2);
  });

  it("withApplicationToken retries once with a new token after Enedis's 401, and only once", async () => {
    await applicationToken(env);
    const seen: string[] = [];
    answerToken = async () => tokenAnswer(`t${tokenRequests}`);
    const result = await withApplicationToken(env, async (token) => {
      seen.push(token);
      if (seen.length === 1) throw new EnedisTokenRejected();
      return "ok";
    });
    expect(result).toBe("ok");
    expect(seen).toEqual(["new", "t2"]);
    const refusedTwice = await withApplicationToken(env, async () => {
      throw new EnedisTokenRejected();
    }).then(() => null, (e: unknown) => e);
    expect(refusedTwice).toBeInstanceOf(EnedisTokenRejected);
    expect(tokenRequests).toBe(3); // one refresh per 401'd request, never a loop
  });

  it("hands Enedis's refusal of the gateway's credentials back as a clean AppError, and lets the next caller try again", async () => {
    answerToken = async () => Response.json({ error: "invalid_client", error_description: "bad credentials" }, { status: 401 });
    const err = await applicationToken(env).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe("ENEDIS_UNAVAILABLE");
    expect((err as AppError).message).not.toContain("bad credentials"); // Enedis's own text never reaches a client
    answerToken = async () => tokenAnswer("second-try");
    expect(await applicationToken(env)).toBe("second-try");
  });
});
