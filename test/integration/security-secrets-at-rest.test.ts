import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { APP_TOKEN_KV_KEY, openAppToken } from "../../src/enedis/app-token-record";
import { Browser, apiSignup, basic, bearer, call, json } from "../support/http";
import { consent } from "../support/consent";

/** SECURITY.md property 2: no secret is stored in the clear — D1 and KV are dumped whole and searched. */

async function d1Dump(): Promise<string> {
  const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  expect(tables.results.map((t) => t.name)).toEqual(expect.arrayContaining(["users", "auth_tokens", "usage_points", "consent_states", "attempt_counters"]));
  const dump: Record<string, unknown[]> = {};
  for (const { name } of tables.results) dump[name] = (await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results;
  return JSON.stringify(dump);
}

async function kvDump(): Promise<string> {
  const parts: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ cursor });
    for (const k of page.keys) parts.push(k.name, (await env.KV.get(k.name)) ?? "");
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return parts.join("\n");
}

const sessionOf = (b: Browser) => {
  const token = b.cookies.get("lg_session");
  expect(token).toMatch(/^lgsess_/);
  return token!;
};

describe("property 2: no secret is stored in the clear", () => {
  it("after signups, logins, token grants, a new secret and a new password: no secret, token or password in D1 or KV", async () => {
    const secrets: Record<string, string> = {};
    // web signup: client_secret on the page and a session cookie
    const web = new Browser();
    const webAccount = await web.signup(undefined, "web password one");
    secrets.webClientSecret = webAccount.clientSecret;
    secrets.webPassword = "web password one";
    secrets.session1 = sessionOf(web);
    // web login from another browser: a second session
    const second = new Browser();
    expect((await second.form("/login", { email: webAccount.email, password: "web password one" })).status).toBe(303);
    secrets.session2 = sessionOf(second);
    // API signup, login, client credentials (form and Basic)
    const api = await apiSignup(undefined, "api password one");
    secrets.apiClientSecret = api.clientSecret;
    secrets.apiPassword = api.password;
    const login = (await (await call("/api/accounts/login", json({ email: api.email, password: api.password }))).json()) as { data: { access_token: string } };
    secrets.loginToken = login.data.access_token;
    const grant = async (headers: Record<string, string>, fields: Record<string, string>) =>
      ((await (await call("/api/accounts/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() })).json()) as { access_token: string }).access_token;
    secrets.formToken = await grant({}, { grant_type: "client_credentials", client_id: api.clientId, client_secret: api.clientSecret });
    secrets.basicToken = await grant(basic(api.clientId, api.clientSecret), { grant_type: "client_credentials" });
    // a regenerated secret and a changed password
    const regen = (await (await call("/api/accounts/regenerate-secret", { method: "POST", headers: bearer(api.clientSecret) })).json()) as { data: { client_secret: string } };
    secrets.regeneratedSecret = regen.data.client_secret;
    expect((await call("/api/accounts/update-password", json({ old_password: api.password, new_password: "api password two" }, bearer(regen.data.client_secret)))).status).toBe(200);
    secrets.newPassword = "api password two";
    // a consent, so KV holds an Enedis token record too
    await consent(web, "martin");

    for (const [name, value] of Object.entries(secrets)) expect(value.length, name).toBeGreaterThanOrEqual(8);
    const d1 = await d1Dump();
    const kv = await kvDump();
    for (const [name, value] of Object.entries(secrets)) {
      expect(d1.includes(value), `${name} found in D1`).toBe(false);
      expect(kv.includes(value), `${name} found in KV`).toBe(false);
    }

    // what is stored instead: the keyed hash (HMAC under APP_SECRET), behind a unique index
    const row = (await env.DB.prepare("SELECT client_secret_hash, password_hash FROM users WHERE id = ?").bind(api.userId).first<Record<string, string>>())!;
    expect(row.client_secret_hash).toBe(await keyedHash(env.APP_SECRET!, "client-secret", secrets.regeneratedSecret));
    expect(row.password_hash).toMatch(/^pbkdf2-sha256-peppered\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const indexes = await env.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'").all<{ name: string; sql: string }>();
    expect(indexes.results.find((i) => /client_secret_hash/.test(i.sql))?.sql).toMatch(/UNIQUE/i);
    const webUser = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(webAccount.email).first<{ id: string }>())!;
    const sessionRows = (await env.DB.prepare("SELECT token_hash FROM auth_tokens WHERE user_id = ? AND kind = 'session'").bind(webUser.id).all<{ token_hash: string }>()).results;
    expect(sessionRows.map((t) => t.token_hash)).toContain(await keyedHash(env.APP_SECRET!, "auth-token:session", secrets.session2));
  });

  it("the one Enedis application token in KV is sealed: its raw value holds neither the token nor any PDL, and opens only for these Enedis credentials", async () => {
    const b = new Browser();
    const account = await b.signup();
    await env.DB.prepare("DELETE FROM usage_points").run();
    await consent(b, "durand");
    for (const pdl of ["09200000000001", "09200000000002"]) {
      expect((await call(`/api/enedis/contract/${pdl}`, { headers: bearer(account.clientSecret) })).status).toBe(200);
    }
    const raw = (await env.KV.get(APP_TOKEN_KV_KEY))!;
    const token = (await openAppToken(env, raw))!.accessToken;
    expect(token).toBeTruthy();
    expect(raw).toMatch(/^g1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain("accessToken");
    for (const pdl of ["09200000000001", "09200000000002"]) expect(raw).not.toContain(pdl);
    expect(await d1Dump()).not.toContain(token);
    // no per-PDL token record any more, and the key names no PDL
    expect((await env.KV.list({ prefix: "tok:" })).keys).toEqual([]);
    // sealed for these Enedis credentials and this APP_SECRET only
    expect(await openAppToken({ ...env, ENEDIS_CLIENT_ID: "someone-else" }, raw)).toBeNull();
    expect(await openAppToken({ ...env, APP_SECRET: "another-app-secret-0123456789abcdef0123456789" }, raw)).toBeNull();
  });

  it("the client_secret is shown once: not on the dashboard, not by /api/accounts/me", async () => {
    const b = new Browser();
    const account = await b.signup();
    const dashboard = await (await b.fetch("/dashboard")).text();
    expect(dashboard).toContain(account.clientId);
    expect(dashboard).not.toContain(account.clientSecret);
    const me = await (await call("/api/accounts/me", { headers: bearer(account.clientSecret) })).text();
    expect(me).not.toContain(account.clientSecret);
    expect(me).not.toMatch(/secret|password/i);
  });
});
