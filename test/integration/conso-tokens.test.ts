import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { listConsoTokens } from "../../src/conso/token-store";
import { ConsoTokensCard } from "../../src/pages/conso-tokens";
import { apiSignup, bearer, Browser, call, json } from "../support/http";
import { consoHousehold, jwtPayload, type ConsoErrorBody } from "./conso-helpers";

const today = todayInParis(new Date());
const daysAgo = (n: number) => addDays(today, -n);
const BAD_TOKEN = "Votre token est invalide ou ne permet pas d'accéder à ce PRM";
const userIdOf = async (email: string) => (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: string }>())!.id;

describe("conso tokens: issue", () => {
  it("POST /api/accounts/conso-token answers {token, expires_at}: an HS256 JWT whose sub is the ARRAY of the account's PRMs", async () => {
    const h = await consoHousehold("durand");
    expect(h.token.split(".")).toHaveLength(3);
    expect(JSON.parse(atob(h.token.split(".")[0]))).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = jwtPayload(h.token);
    expect(claims.sub.sort()).toEqual([...h.ids].sort());
    expect(claims.exp - claims.iat).toBe(365 * 24 * 3600);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(120);
    expect(new Date(h.expiresAt).getTime()).toBe(claims.exp * 1000);
    const second = (await (await call("/api/accounts/conso-token", { method: "POST", headers: bearer(h.account.clientSecret) })).json()) as { data: { token: string } };
    expect(jwtPayload(second.data.token).jti).not.toBe(claims.jti);
  });

  it("is kept as a keyed hash only, with its own wrapped copy of the data key", async () => {
    const h = await consoHousehold("martin");
    const rows = await env.DB.prepare("SELECT * FROM auth_tokens WHERE kind = 'conso_token' AND user_id = ?").bind(await userIdOf(h.account.email)).all<Record<string, unknown>>();
    expect(rows.results).toHaveLength(1);
    const dump = JSON.stringify(rows.results);
    for (const piece of h.token.split(".")) expect(dump).not.toContain(piece);
    expect(rows.results[0].data_key_wrapped).toMatch(/^k1\./);
  });

  it("needs an authenticated caller and a PDL on the account", async () => {
    const anonymous = await call("/api/accounts/conso-token", { method: "POST" });
    expect(anonymous.status).toBe(401);
    const a = await apiSignup();
    const none = await call("/api/accounts/conso-token", { method: "POST", headers: bearer(a.clientSecret) });
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("PDL_NOT_FOUND");
  });

  it("is no key for the rest of the API", async () => {
    const h = await consoHousehold("martin");
    expect((await call("/api/pdl", { headers: bearer(h.token) })).status).toBe(401);
    expect((await call(`/api/enedis/consumption/daily/${h.ids[0]}?start=${daysAgo(9)}&end=${daysAgo(8)}`, { headers: bearer(h.token) })).status).toBe(401);
    expect((await call("/api/accounts/conso-token", { method: "POST", headers: bearer(h.token) })).status).toBe(401);
  });
});

describe("conso tokens: life and death", () => {
  const read = (h: Awaited<ReturnType<typeof consoHousehold>>, prm = h.ids[0], token = h.token) => h.conso(`/api/daily_consumption?prm=${prm}&start=${daysAgo(20)}&end=${daysAgo(15)}`, token);

  it("reads the encrypted cache (HIT) filled through the client_secret, and survives a password change and a new client_secret", async () => {
    const h = await consoHousehold("martin");
    const filled = await h.mirror(`/api/enedis/consumption/daily/${h.ids[0]}?start=${daysAgo(20)}&end=${daysAgo(15)}`);
    expect(filled.headers.get("X-Cache-Status")).toBe("MISS");
    const pw = await call("/api/accounts/update-password", json({ old_password: h.account.password, new_password: "another long password" }, bearer(h.account.clientSecret)));
    expect(pw.status).toBe(200);
    const secret = await call("/api/accounts/regenerate-secret", { method: "POST", headers: bearer(h.account.clientSecret) });
    expect(secret.status).toBe(200);
    const res = await read(h);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache-Status")).toBe("HIT");
  });

  it("dies when revoked from the dashboard; the dashboard card lists it with its creation date, never the token", async () => {
    const h = await consoHousehold("martin");
    const userId = await userIdOf(h.account.email);
    const listed = await listConsoTokens(env, userId);
    expect(listed).toHaveLength(1);
    expect(listed[0].createdAt.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    const card = String(ConsoTokensCard({ tokens: listed }));
    expect(card).toContain(listed[0].createdAt.slice(0, 10));
    expect(card).not.toContain(h.token.split(".")[2]);
    // the dashboard itself shows that card
    const dashboard = await (await h.browser.fetch("/dashboard")).text();
    expect(dashboard).toContain('id="conso-tokens"');
    expect(dashboard).toContain(listed[0].createdAt.slice(0, 10));
    expect(dashboard).not.toContain(h.token.split(".")[2]);
    expect((await read(h)).status).toBe(200);
    const revoked = await h.browser.form("/dashboard/conso-tokens/revoke", { id: listed[0].id });
    expect(revoked.status).toBe(303);
    const res = await read(h);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ConsoErrorBody).message).toBe(BAD_TOKEN);
    expect(await listConsoTokens(env, userId)).toHaveLength(0);
  });

  it("another account cannot revoke it", async () => {
    const h = await consoHousehold("martin");
    const [token] = await listConsoTokens(env, await userIdOf(h.account.email));
    const intruder = new Browser();
    await intruder.signup();
    expect((await intruder.form("/dashboard/conso-tokens/revoke", { id: token.id })).status).toBe(303);
    expect((await read(h)).status).toBe(200);
  });

  it("the dashboard makes one and shows it once", async () => {
    const h = await consoHousehold("martin");
    const res = await h.browser.form("/dashboard/conso-tokens", {});
    expect(res.status).toBe(200);
    const token = /id="conso-token">([^<]+)</.exec(await res.text())![1].trim();
    expect(jwtPayload(token).sub).toEqual(h.ids);
    expect((await read(h, h.ids[0], token)).status).toBe(200);
    const crossSite = await h.browser.fetch("/dashboard/conso-tokens", { method: "POST", headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" }, body: "" });
    expect(crossSite.status).toBe(403);
  });

  it("dies when it expires", async () => {
    const h = await consoHousehold("martin");
    await env.DB.prepare("UPDATE auth_tokens SET expires_at_ms = ? WHERE kind = 'conso_token' AND user_id = ?").bind(Date.now() - 1000, await userIdOf(h.account.email)).run();
    expect((await read(h)).status).toBe(401);
  });

  it("dies with the account", async () => {
    const h = await consoHousehold("martin");
    const del = await call("/api/accounts/me", { ...json({ password: h.account.password }, bearer(h.account.clientSecret)), method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await read(h)).status).toBe(401);
  });

  it("a PRM the account no longer holds is refused whatever sub says", async () => {
    const h = await consoHousehold("durand");
    expect((await read(h, h.ids[1])).status).toBe(200);
    const removed = await call(`/api/pdl/${h.ids[1]}`, { method: "DELETE", headers: bearer(h.account.clientSecret) });
    expect(removed.status).toBe(200);
    expect(jwtPayload(h.token).sub).toContain(h.ids[1]);
    const res = await read(h, h.ids[1]);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ConsoErrorBody).message).toBe(BAD_TOKEN);
    expect((await read(h, h.ids[0])).status).toBe(200);
  });

  it("a PRM consented after the token was made needs a new token", async () => {
    const h = await consoHousehold("martin");
    const { consent } = await import("../support/consent");
    await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = '09300000000001'").run();
    await consent(h.browser, "petit");
    expect((await read(h, "09300000000001")).status).toBe(401);
    const fresh = (await (await call("/api/accounts/conso-token", { method: "POST", headers: bearer(h.account.clientSecret) })).json()) as { data: { token: string } };
    expect((await read(h, "09300000000001", fresh.data.token)).status).toBe(200);
  });
});
