import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { Browser, apiSignup, bearer, call, json, randomIp, uniqueEmail } from "../support/http";

/**
 * SECURITY.md 1, 5, 6 — the password's life: peppered verifier and its upgrade, common passwords refused, a change
 * revokes every sign-in but the current session and is throttled, deleting the account asks for it again.
 */

const cookieOf = (b: Browser) => `lg_session=${b.cookies.get("lg_session")}`;
async function sessionWorks(cookie: string) {
  const res = await exports.default.fetch(new Request("http://localhost:8000/dashboard", { headers: { Cookie: cookie }, redirect: "manual" }));
  return res.status === 200;
}
const meStatus = async (token: string) => (await call("/api/accounts/me", { headers: bearer(token) })).status;
const loginToken = async (email: string, password: string) => {
  const res = await call("/api/accounts/login", json({ email, password }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { access_token: string } }).data.access_token;
};
const clientCredentialsToken = async (clientId: string, clientSecret: string) => {
  const res = await call("/api/accounts/token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).toString(),
  });
  return ((await res.json()) as { access_token: string }).access_token;
};
const passwordHashOf = async (userId: string) => (await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(userId).first<{ password_hash: string }>())!.password_hash;
const userExists = async (userId: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE id = ?").bind(userId).first<{ n: number }>())!.n === 1;
const changePassword = (credential: string, old_password: string, new_password: string, ip = randomIp()) =>
  call("/api/accounts/update-password", json({ old_password, new_password }, { ...bearer(credential), "CF-Connecting-IP": ip }));

describe("property 1: the stored verifier is peppered, and older rows are upgraded at login", () => {
  it('a new account stores "pbkdf2-sha256-peppered$100000$…", not the bare PBKDF2 output', async () => {
    const a = await apiSignup();
    const stored = await passwordHashOf(a.userId);
    expect(stored).toMatch(/^pbkdf2-sha256-peppered\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const [, , salt, verifier] = stored.split("$");
    const base = await crypto.subtle.importKey("raw", utf8(a.password), "PBKDF2", false, ["deriveBits"]);
    const bare = new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: fromBase64Url(salt), iterations: 100_000 }, base, 512));
    expect(verifier).not.toBe(toBase64Url(bare.slice(0, 32)));
  });

  it("an old-format (unpeppered) row still logs in, is rewritten in the new format, and keeps working", async () => {
    const a = await apiSignup();
    // Turn the row into what an older gateway stored: same salt (so the data key's password copy still
    // matches), verifier = the bare first 32 bytes of PBKDF2.
    const [, iterations, salt] = (await passwordHashOf(a.userId)).split("$");
    const base = await crypto.subtle.importKey("raw", utf8(a.password), "PBKDF2", false, ["deriveBits"]);
    const out = new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: fromBase64Url(salt), iterations: Number(iterations) }, base, 512));
    const legacy = `pbkdf2-sha256$${iterations}$${salt}$${toBase64Url(out.slice(0, 32))}`;
    await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(legacy, a.userId).run();

    // a wrong password neither logs in nor rewrites anything
    expect((await call("/api/accounts/login", json({ email: a.email, password: "wrong password" }))).status).toBe(401);
    expect(await passwordHashOf(a.userId)).toBe(legacy);

    const token = await loginToken(a.email, a.password);
    expect(await meStatus(token)).toBe(200);
    const upgraded = await passwordHashOf(a.userId);
    expect(upgraded).not.toBe(legacy);
    expect(upgraded).toMatch(/^pbkdf2-sha256-peppered\$100000\$/);
    // the data key was re-wrapped under the new derivation: the next logins (page and API) still unwrap it
    expect(await meStatus(await loginToken(a.email, a.password))).toBe(200);
    const b = new Browser();
    expect((await b.form("/login", { email: a.email, password: a.password })).status).toBe(303);
    expect(await sessionWorks(cookieOf(b))).toBe(true);
    expect(await passwordHashOf(a.userId)).toBe(upgraded);
  });
});

describe("property 1: the 10 000 most common passwords are refused (400 WEAK_PASSWORD, French message)", () => {
  it("at signup (API and page), whatever the letter case", async () => {
    for (const password of ["password1", "AZERTYUIOP", "Password1", "1234567890"]) {
      const res = await call("/api/accounts/signup", json({ email: uniqueEmail("weak"), password }));
      expect(res.status, password).toBe(400);
      const body = (await res.json()) as { error: { code: string; field: string; message: string } };
      expect(body.error, password).toMatchObject({ code: "WEAK_PASSWORD", field: "password" });
      expect(body.error.message).toMatch(/plus courants/);
    }
    const page = await new Browser().form("/signup", { email: uniqueEmail("weak"), password: "iloveyou" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("plus courants");
    // control: an uncommon password of the same length is accepted
    expect((await call("/api/accounts/signup", json({ email: uniqueEmail("ok"), password: "grenouille-bleue" }))).status).toBe(201);
  });

  it("at password change", async () => {
    const a = await apiSignup();
    const res = await changePassword(a.clientSecret, a.password, "qwertyuiop");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "WEAK_PASSWORD", field: "new_password" } });
    expect(await meStatus(await loginToken(a.email, a.password))).toBe(200);
  });
});

describe("property 5: a password change revokes every access token and every other session", () => {
  it("changed from a web session: that session stays, the other session and every access token die, the client_secret stays", async () => {
    const first = new Browser();
    const account = await first.signup();
    const second = new Browser();
    expect((await second.form("/login", { email: account.email, password: account.password })).status).toBe(303);
    const byLogin = await loginToken(account.email, account.password);
    const byClient = await clientCredentialsToken(account.clientId, account.clientSecret);
    for (const t of [byLogin, byClient]) expect(await meStatus(t)).toBe(200);

    const res = await first.fetch("/api/accounts/update-password", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ old_password: account.password, new_password: "a different password" }),
    });
    expect(res.status).toBe(200);
    expect(await sessionWorks(cookieOf(first))).toBe(true);
    expect(await sessionWorks(cookieOf(second))).toBe(false);
    expect(await meStatus(byLogin)).toBe(401);
    expect(await meStatus(byClient)).toBe(401);
    expect(await meStatus(account.clientSecret)).toBe(200);
  });

  it("changed with an access token: that token dies too, as does every session", async () => {
    const b = new Browser();
    const account = await b.signup();
    const token = await loginToken(account.email, account.password);
    const other = await loginToken(account.email, account.password);
    expect((await changePassword(token, account.password, "a different password")).status).toBe(200);
    expect(await meStatus(token)).toBe(401);
    expect(await meStatus(other)).toBe(401);
    expect(await sessionWorks(cookieOf(b))).toBe(false);
    expect(await meStatus(await loginToken(account.email, "a different password"))).toBe(200);
  });

  it("a wrong old password changes nothing and revokes nothing", async () => {
    const a = await apiSignup();
    const token = await loginToken(a.email, a.password);
    const res = await changePassword(a.clientSecret, "not my password", "a different password");
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, error: { code: "INVALID_CREDENTIALS" } });
    expect(await meStatus(token)).toBe(200);
  });
});

describe("property 5: changing the password is throttled like login (per account, per IP)", () => {
  it("per account: after 10 attempts in 15 minutes, 429 TOO_MANY_ATTEMPTS with Retry-After, even with the right old password, from any IP", async () => {
    const a = await apiSignup();
    for (let i = 0; i < 10; i++) expect((await changePassword(a.clientSecret, `guess number ${i}`, "a different password")).status).toBe(401);
    const blocked = await changePassword(a.clientSecret, a.password, "a different password");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ success: false, error: { code: "TOO_MANY_ATTEMPTS" } });
    // nothing changed: the old password still logs in
    expect(await meStatus(await loginToken(a.email, a.password))).toBe(200);
  });

  it("per IP: 30 attempts from one address over several accounts, then 429 for a fourth account from there only", async () => {
    const ip = randomIp();
    const accounts = await Promise.all([apiSignup(), apiSignup(), apiSignup(), apiSignup()]);
    for (const a of accounts.slice(0, 3)) for (let i = 0; i < 10; i++) expect((await changePassword(a.clientSecret, `guess ${i}`, "a different password", ip)).status).toBe(401);
    const fourth = accounts[3];
    expect((await changePassword(fourth.clientSecret, fourth.password, "a different password", ip)).status).toBe(429);
    expect((await changePassword(fourth.clientSecret, fourth.password, "a different password")).status).toBe(200);
  });
});

describe("property 5: deleting the account asks for the password again", () => {
  it("API: without the password or with a wrong one, 401 INVALID_CREDENTIALS and nothing deleted (a leaked API key alone cannot delete)", async () => {
    const a = await apiSignup();
    const attempts: RequestInit[] = [
      { method: "DELETE", headers: bearer(a.clientSecret) },
      { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(a.clientSecret) }, body: "{}" },
      { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(a.clientSecret) }, body: JSON.stringify({ password: "" }) },
      { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(a.clientSecret) }, body: JSON.stringify({ password: "wrong password" }) },
    ];
    for (const init of attempts) {
      const res = await call("/api/accounts/me", init);
      expect(res.status, String(init.body)).toBe(401);
      expect(await res.json()).toMatchObject({ success: false, error: { code: "INVALID_CREDENTIALS" } });
      expect(await userExists(a.userId)).toBe(true);
    }
    const ok = await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(a.clientSecret) }, body: JSON.stringify({ password: a.password }) });
    expect(ok.status).toBe(200);
    expect(await userExists(a.userId)).toBe(false);
    expect(await meStatus(a.clientSecret)).toBe(401);
  });

  it("API: password checks for deletion are throttled per account (no unlimited guessing with a leaked key)", async () => {
    const a = await apiSignup();
    const del = (password: string) => call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(a.clientSecret) }, body: JSON.stringify({ password }) });
    for (let i = 0; i < 10; i++) expect((await del(`guess ${i}`)).status).toBe(401);
    const blocked = await del(a.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await userExists(a.userId)).toBe(true);
  });

  it("dashboard: the form asks for the password; a wrong one keeps the account and the session, the right one deletes", async () => {
    const b = new Browser();
    const account = await b.signup();
    const userId = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(account.email).first<{ id: string }>())!.id;
    const dashboard = await (await b.fetch("/dashboard")).text();
    expect(dashboard).toMatch(/action="\/dashboard\/delete-account"[\s\S]*name="password"[\s\S]*name="confirm"/);

    for (const fields of [{ confirm: "yes" }, { confirm: "yes", password: "wrong password" }] as Array<Record<string, string>>) {
      const res = await b.form("/dashboard/delete-account", fields);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain("Mot de passe incorrect");
      expect(await userExists(userId)).toBe(true);
      expect(await sessionWorks(cookieOf(b))).toBe(true);
    }
    const res = await b.form("/dashboard/delete-account", { confirm: "yes", password: account.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    expect(await userExists(userId)).toBe(false);
  });
});
