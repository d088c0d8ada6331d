import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyId } from "../../src/crypto/key-ring";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { getConfig } from "../../src/config";
import { APP_TOKEN_KV_KEY, sealAppToken } from "../../src/enedis/app-token-record";
import { issueToken } from "../../src/simulator/tokens";
import { addDays, todayInParis } from "../../src/enedis/dates";
import type { Env } from "../../src/env";
import type { KeyRingDependents } from "../../src/maintenance/key-ring-count";
import worker from "../../src/index";
import { Browser, ORIGIN, json, makeAdmin, randomIp, uniqueEmail } from "../support/http";
import { flashOf } from "../support/consent";

/**
 * Rotating APP_SECRET (README "Rotating APP_SECRET"): every credential and record made under the old key keeps
 * working while APP_SECRET_PREVIOUS holds it, is re-made under the new key at its next use, the daily count falls to
 * zero, and the old key can then go without anyone noticing.
 * The new key B is the test configuration's own APP_SECRET: Durable Objects always run with the configured env, so
 * the Enedis token keeper seals under B as a rotated gateway's would. Under A, the gateway uses the application token a
 * gateway running under A had kept in KV (sealed under A; the in-process simulator, which signs its own tokens with
 * the worker's APP_SECRET, issued it under A too).
 */
const A = "rotation-test-old-app-secret-0123456789abcdef";
const B = (env as unknown as Env).APP_SECRET!;
const onA = { ...(env as unknown as Env), APP_SECRET: A } as Env;
const rotating = { ...(env as unknown as Env), APP_SECRET: B, APP_SECRET_PREVIOUS: A } as Env;
const onB = { ...(env as unknown as Env), APP_SECRET: B } as Env;

async function send(workerEnv: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), { ...init, headers }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

/** A browser whose requests reach the worker under whichever configuration is current (the deployed secrets). */
class BrowserOnEnv extends Browser {
  workerEnv = onA;
  protected override send(path: string, init: RequestInit): Promise<Response> {
    return send(this.workerEnv, path, init);
  }
}

async function dailyCount(workerEnv: Env): Promise<KeyRingDependents> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  return (await env.KV.get<KeyRingDependents>("key-ring-dependents", "json"))!;
}

const today = todayInParis(new Date());
const RANGE = `start=${addDays(today, -20)}&end=${addDays(today, -10)}`;
const PDL = "09100000000001"; // the simulator's "martin"
type Daily = { data: { meter_reading: { interval_reading: Array<{ date: string; value: string }> } } };
const readings = async (res: Response) => ((await res.json()) as Daily).data.meter_reading.interval_reading;

const account = (email: string) => env.DB.prepare("SELECT * FROM users WHERE email = ?").bind(email).first<Record<string, string | null>>();
const tokens = (userId: string) => env.DB.prepare("SELECT token_hash, kind, key_id FROM auth_tokens WHERE user_id = ? ORDER BY kind").bind(userId).all<{ token_hash: string; kind: string; key_id: string | null }>();

describe("rotating APP_SECRET with a household using the gateway", () => {
  const browser = new BrowserOnEnv();
  let h: { email: string; password: string; clientSecret: string; userId: string; accessToken: string; consoToken: string; before: Awaited<ReturnType<typeof readings>> };
  let stateInFlight: URL;
  let firstReadAfterRotation: string | null;
  let rowsUnderA: { user: Record<string, string | null>; tokens: Array<{ token_hash: string; kind: string; key_id: string | null }> };

  it("under the old key: an account, a session, an access token, a conso token, cached data, a consent in flight", async () => {
    const appToken = await issueToken(A, getConfig(onA).clientId, Date.now());
    await env.KV.put(APP_TOKEN_KV_KEY, await sealAppToken(onA, appToken), { expirationTtl: 3600 });
    const signedUp = await browser.signup();
    const start = await browser.fetch("/consent", { method: "POST" });
    const authorize = new URL(start.headers.get("Location")!);
    const answer = await browser.form(authorize.pathname, { ...Object.fromEntries(authorize.searchParams), household: "martin", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    const { res } = await browser.follow(await browser.fetch(callback.pathname + callback.search));
    expect(flashOf(await res.text())).toMatch(/^Bravo/);

    const read = await send(onA, `/api/enedis/consumption/daily/${PDL}?${RANGE}`, bearer(signedUp.clientSecret));
    expect(read.status).toBe(200);
    expect(read.headers.get("X-Cache-Status")).toBe("MISS");
    const login = await send(onA, "/api/accounts/login", json({ email: signedUp.email, password: signedUp.password }));
    const conso = await send(onA, "/api/accounts/conso-token", { method: "POST", ...bearer(signedUp.clientSecret) });
    const user = (await account(signedUp.email))!;
    h = {
      ...signedUp,
      userId: user.id!,
      before: await readings(read),
      accessToken: ((await login.json()) as { data: { access_token: string } }).data.access_token,
      consoToken: ((await conso.json()) as { data: { token: string } }).data.token,
    };
    // a consent started just before the rotation, answered just after it
    const inFlight = await browser.fetch("/consent", { method: "POST" });
    stateInFlight = new URL(inFlight.headers.get("Location")!);

    rowsUnderA = { user, tokens: (await tokens(h.userId)).results };
    expect(user.secret_key_id).toBe(await keyId(A));
    expect(user.password_key_id).toBe(await keyId(A));
    expect(rowsUnderA.tokens.map((t) => [t.kind, t.key_id])).toEqual([
      ["access_token", await keyId(A)],
      ["conso_token", await keyId(A)],
      ["session", await keyId(A)],
    ]);
  });

  it("APP_SECRET=B, APP_SECRET_PREVIOUS=A: the daily count sees everything made under A", async () => {
    browser.workerEnv = rotating;
    expect(await dailyCount(rotating)).toMatchObject({
      rotating: true,
      client_secrets: 1,
      passwords: 1,
      sessions: 1,
      access_tokens: 1,
      conso_tokens: 1,
      app_token: 1,
      cache_accounts: 1,
    });
  });

  it("every credential still works, and is re-made under B at its use", async () => {
    // the consent in flight comes back to the same session (its state's MAC is A's, its session hash is re-made)
    const answer = await browser.form(stateInFlight.pathname, { ...Object.fromEntries(stateInFlight.searchParams), household: "martin", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    const { res, url } = await browser.follow(await browser.fetch(callback.pathname + callback.search));
    expect(url).toMatch(/^\/dashboard/);
    expect(flashOf(await res.text())).toMatch(/^Bravo/);

    expect((await send(rotating, "/api/accounts/me", bearer(h.clientSecret))).status).toBe(200);
    expect((await send(rotating, "/api/accounts/me", bearer(h.accessToken))).status).toBe(200);
    const conso = await send(rotating, `/api/daily_consumption?prm=${PDL}&${RANGE}`, bearer(h.consoToken));
    expect(conso.status).toBe(200);
    const login = await send(rotating, "/api/accounts/login", json({ email: h.email, password: h.password }));
    expect(login.status).toBe(200);
    // the household's data, the same as before the rotation, read with its API key
    const read = await send(rotating, `/api/enedis/consumption/daily/${PDL}?${RANGE}`, bearer(h.clientSecret));
    expect(read.status).toBe(200);
    expect(await readings(read)).toEqual(h.before);
    firstReadAfterRotation = read.headers.get("X-Cache-Status");

    const user = (await account(h.email))!;
    expect(user.secret_key_id).toBe(await keyId(B));
    expect(user.password_key_id).toBe(await keyId(B));
    expect(user.client_secret_hash).not.toBe(rowsUnderA.user.client_secret_hash);
    expect(user.password_hash).not.toBe(rowsUnderA.user.password_hash);
    expect(user.password_hash!.split("$").slice(0, 3)).toEqual(rowsUnderA.user.password_hash!.split("$").slice(0, 3)); // same salt: only the pepper changed
    expect(user.data_key_by_password).toBe(rowsUnderA.user.data_key_by_password);
    const after = (await tokens(h.userId)).results;
    for (const old of rowsUnderA.tokens) expect(after.map((t) => t.token_hash)).not.toContain(old.token_hash);
    expect(new Set(after.map((t) => t.key_id))).toEqual(new Set([await keyId(B)]));
  });

  it("the count falls to zero once each thing was used", async () => {
    // The application token opened under A; the simulator (under B now, like Enedis with its own key) refused it once,
    // and the token keeper's one refresh sealed the new one under B. Real Enedis keeps accepting it: then its KV copy
    // is counted until the next refresh (at most the token's 3 h 30).
    expect(await dailyCount(rotating)).toMatchObject({ client_secrets: 0, passwords: 0, sessions: 0, access_tokens: 0, conso_tokens: 0, app_token: 0 });
  });

  it("the household's cache, written under A, was read (HIT) and moved under B's key names", async () => {
    expect(firstReadAfterRotation).toBe("HIT");
    expect(await dailyCount(rotating)).toMatchObject({ cache_accounts: 0, total: 0 });
  });

  it("APP_SECRET_PREVIOUS removed: the household notices nothing", async () => {
    browser.workerEnv = onB;
    expect((await browser.fetch("/dashboard")).status).toBe(200);
    expect((await send(onB, "/api/accounts/me", bearer(h.clientSecret))).status).toBe(200);
    expect((await send(onB, "/api/accounts/me", bearer(h.accessToken))).status).toBe(200);
    expect((await send(onB, `/api/daily_consumption?prm=${PDL}&${RANGE}`, bearer(h.consoToken))).status).toBe(200);
    expect((await send(onB, "/api/accounts/login", json({ email: h.email, password: h.password }))).status).toBe(200);
    const read = await send(onB, `/api/enedis/consumption/daily/${PDL}?${RANGE}`, bearer(h.clientSecret));
    expect(read.status).toBe(200);
    expect(await readings(read)).toEqual(h.before);
    expect(await dailyCount(onB)).toMatchObject({ rotating: false, total: 0 });
  });
});

describe("the previous key is only ever a second chance for what it made", () => {
  async function madeUnderA() {
    const email = uniqueEmail("ring");
    const res = await send(onA, "/api/accounts/signup", json({ email, password: "correct horse battery" }));
    const { data } = (await res.json()) as { data: { client_secret: string } };
    const login = await send(onA, "/api/accounts/login", json({ email, password: "correct horse battery" }));
    const accessToken = ((await login.json()) as { data: { access_token: string } }).data.access_token;
    return { email, clientSecret: data.client_secret, accessToken };
  }

  it("without APP_SECRET_PREVIOUS, nothing made under another key is accepted, and nothing is rewritten", async () => {
    const a = await madeUnderA();
    const before = await account(a.email);
    expect((await send(onB, "/api/accounts/me", bearer(a.clientSecret))).status).toBe(401);
    expect((await send(onB, "/api/accounts/me", bearer(a.accessToken))).status).toBe(401);
    expect((await send(onB, "/api/accounts/login", json({ email: a.email, password: "correct horse battery" }))).status).toBe(401);
    expect(await account(a.email)).toEqual(before);
  });

  it("during a rotation, a wrong secret, token or password still fails", async () => {
    const a = await madeUnderA();
    expect((await send(rotating, "/api/accounts/me", bearer(`${a.clientSecret.slice(0, -2)}xx`))).status).toBe(401);
    expect((await send(rotating, "/api/accounts/me", bearer(`${a.accessToken.slice(0, -2)}xx`))).status).toBe(401);
    expect((await send(rotating, "/api/accounts/login", json({ email: a.email, password: "wrong horse battery" }))).status).toBe(401);
    // a key that is neither the current nor the previous one
    const other = { ...(env as unknown as Env), APP_SECRET: B, APP_SECRET_PREVIOUS: "yet-another-app-secret-0123456789abcdef" } as Env;
    expect((await send(other, "/api/accounts/me", bearer(a.clientSecret))).status).toBe(401);
    expect((await account(a.email))!.secret_key_id).toBe(await keyId(A));
  });

  it("a consent state whose MAC is the old key's is refused once the old key is gone", async () => {
    const b = new BrowserOnEnv();
    b.workerEnv = onB;
    await b.signup();
    const start = new URL((await b.fetch("/consent", { method: "POST" })).headers.get("Location")!);
    const [userId, nonce] = start.searchParams.get("state")!.split(".");
    start.searchParams.set("state", `${userId}.${nonce}.${(await keyedHash(A, "consent-state", `${userId}.${nonce}`)).slice(0, 22)}`);
    const answer = await b.form(start.pathname, { ...Object.fromEntries(start.searchParams), household: "durand", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    const { url } = await b.follow(await b.fetch(callback.pathname + callback.search));
    expect(url).toMatch(/consent=invalid/);
  });

  it("a conso token is its record: a changed payload or a foreign signature finds none", async () => {
    const b = new BrowserOnEnv();
    b.workerEnv = onB;
    const signedUp = await b.signup();
    const start = new URL((await b.fetch("/consent", { method: "POST" })).headers.get("Location")!);
    const answer = await b.form(start.pathname, { ...Object.fromEntries(start.searchParams), household: "petit", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    await b.follow(await b.fetch(callback.pathname + callback.search));
    const made = await send(onB, "/api/accounts/conso-token", { method: "POST", ...bearer(signedUp.clientSecret) });
    const token = ((await made.json()) as { data: { token: string } }).data.token;
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string[] };
    const prm = claims.sub[0];
    expect((await send(onB, `/api/daily_consumption?prm=${prm}&${RANGE}`, bearer(token))).status).toBe(200);
    const widened = btoa(JSON.stringify({ ...claims, sub: [...claims.sub, "09100000000001"] })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect((await send(onB, `/api/daily_consumption?prm=${prm}&${RANGE}`, bearer(`${header}.${widened}.${signature}`))).status).toBe(401);
    expect((await send(onB, `/api/daily_consumption?prm=${prm}&${RANGE}`, bearer(`${header}.${payload}.${signature.slice(0, -2)}AA`))).status).toBe(401);
  });
});

describe("the admin page's key ring card and /api/admin/stats", () => {
  it("shows whether a rotation is under way and its last count; the button counts now; administrators only", async () => {
    const admin = new BrowserOnEnv();
    admin.workerEnv = rotating;
    const account = await admin.signup();
    await makeAdmin(account.email);
    const card = async () => /<section class="card" id="key-ring">([\s\S]*?)<\/section>/.exec(await (await admin.fetch("/admin")).text())?.[1] ?? "";

    await env.KV.delete("key-ring-dependents");
    expect(await card()).toContain("pas encore de décompte");
    const counted = await admin.form("/admin/key-ring/count", {});
    expect(counted.status).toBe(303);
    expect(counted.headers.get("Location")).toBe("/admin#key-ring");
    const after = await card();
    expect(after).toMatch(/\d+ éléments dépendent encore de l|APP_SECRET_PREVIOUS peut être retiré/);
    const stats = (await (await send(rotating, "/api/admin/stats", bearer(account.clientSecret))).json()) as { data: { key_ring: KeyRingDependents | null } };
    expect(stats.data.key_ring).toMatchObject({ rotating: true });
    expect(stats.data.key_ring!.total).toBeGreaterThanOrEqual(0);

    admin.workerEnv = onB;
    expect(await card()).toContain("Aucune rotation en cours");

    const stranger = new BrowserOnEnv();
    stranger.workerEnv = rotating;
    await stranger.signup();
    expect((await stranger.form("/admin/key-ring/count", {})).status).toBe(403);
  });
});
