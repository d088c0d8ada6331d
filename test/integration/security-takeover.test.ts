import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { apiSignup, bearer, call, json } from "../support/http";
import { consoHousehold } from "./conso-helpers";

/**
 * A short-lived credential must not become the whole account (SECURITY.md 5 and 6): a stolen session or access
 * token can mint a new client_secret (API.md asks no password for that), but a fresh secret is not a recovery
 * credential for 24 hours; recovery revokes every token, Conso API tokens included; and the throttle of login and
 * recovery counts an address first, so a few addresses cannot lock any number of households out.
 */
const recover = (email: string, clientSecret: string, newPassword: string, ip = "203.0.113.7") =>
  call("/api/accounts/recover", json({ email, client_secret: clientSecret, new_password: newPassword }, { "CF-Connecting-IP": ip }));

describe("no takeover from a stolen session or access token", () => {
  it("a freshly regenerated client_secret cannot recover the account (so cannot set the password, nor delete) for 24 hours", async () => {
    const owner = await apiSignup();
    // the thief holds a one-hour access token
    const token = ((await (await call("/api/accounts/login", json({ email: owner.email, password: owner.password }))).json()) as { data: { access_token: string } }).data.access_token;
    const minted = ((await (await call("/api/accounts/regenerate-secret", { method: "POST", headers: bearer(token) })).json()) as { data: { client_secret: string } }).data.client_secret;
    const refused = await recover(owner.email, minted, "a thief's own long password");
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "INVALID_CREDENTIALS", message: expect.stringMatching(/moins de 24 heures/) });
    // the owner's password still works, and the thief cannot delete without it
    expect((await call("/api/accounts/login", json({ email: owner.email, password: owner.password }))).status).toBe(200);
    const del = await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(minted) }, body: JSON.stringify({ password: "a thief's own long password" }) });
    expect(del.status).toBe(401);
    // a day later the secret is an ordinary recovery credential again
    await env.DB.prepare("UPDATE users SET secret_regenerated_at_ms = ? WHERE email = ?").bind(Date.now() - 25 * 3600_000, owner.email).run();
    expect((await recover(owner.email, minted, "the owner's new long password")).status).toBe(200);
  });

  it("the client_secret from signup recovers at once; recovery revokes Conso API tokens too", async () => {
    const h = await consoHousehold("martin");
    const read = () => call(`/api/daily_consumption?prm=09100000000001&start=${day(-3)}&end=${day(-2)}`, { headers: bearer(h.token) });
    expect((await read()).status).toBe(200);
    expect((await recover(h.account.email, h.account.clientSecret, "a brand new long password")).status).toBe(200);
    expect((await read()).status).toBe(401);
  });
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("login throttling cannot be turned against households", () => {
  it("an address over its limit is refused before it counts against anyone's email", async () => {
    const attacker = "198.51.100.66";
    const emailCount = async (email: string) => {
      const key = `login-email:${await keyedHash(getConfig(env).appSecret, "throttle", email)}`;
      return (await env.DB.prepare("SELECT count FROM attempt_counters WHERE key = ?").bind(key).first<{ count: number }>())?.count ?? 0;
    };
    const login = (email: string) => call("/api/accounts/login", json({ email, password: "wrong password" }, { "CF-Connecting-IP": attacker }));
    // the address spends its 30 tries on throwaway emails
    for (let i = 0; i < 30; i++) expect((await login(`throwaway-${i}@example.test`)).status).toBe(401);
    const victims = [await apiSignup(), await apiSignup(), await apiSignup()];
    for (const v of victims) {
      for (let i = 0; i < 10; i++) expect((await login(v.email)).status).toBe(429);
      expect(await emailCount(v.email)).toBe(0);
      expect((await call("/api/accounts/login", json({ email: v.email, password: v.password }))).status).toBe(200);
    }
  });
});
