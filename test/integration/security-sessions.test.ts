import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { Browser, bearer, call, randomIp, uniqueEmail } from "../support/http";

/** SECURITY.md property 5, sessions: cookie attributes, rotation at login, revocation at logout, password change, deletion. */

const HTTPS_ORIGIN = "https://localhost:8000";

/** Attributes of the one Set-Cookie line of a response, lower-cased names. */
function parseSetCookie(res: Response) {
  const lines = res.headers.getSetCookie();
  expect(lines).toHaveLength(1);
  const [pair, ...attrs] = lines[0].split(";").map((s) => s.trim());
  const i = pair.indexOf("=");
  return {
    name: pair.slice(0, i),
    value: pair.slice(i + 1),
    attrs: new Map(attrs.map((a) => { const [k, ...v] = a.split("="); return [k.toLowerCase(), v.join("=")] as const; })),
  };
}

/** Is this session cookie still a live session? The dashboard either renders or sends to /login. */
async function sessionWorks(cookie: string, origin = "http://localhost:8000") {
  const res = await exports.default.fetch(new Request(`${origin}/dashboard`, { headers: { Cookie: cookie }, redirect: "manual" }));
  if (res.status === 200) return true;
  expect(res.status).toBe(303);
  expect(res.headers.get("Location")).toBe("/login");
  return false;
}
const cookieOf = (b: Browser) => `lg_session=${b.cookies.get("lg_session")}`;
const sessionRows = async (userIdOrEmail: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM auth_tokens t JOIN users u ON u.id = t.user_id WHERE t.kind = 'session' AND (u.id = ?1 OR u.email = ?1)").bind(userIdOrEmail).first<{ n: number }>())!.n;

describe("property 5: session cookies", () => {
  it("over plain HTTP (local dev): lg_session, HttpOnly, SameSite=Lax, Path=/", async () => {
    const b = new Browser();
    const email = uniqueEmail("cookie");
    for (const res of [await b.form("/signup", { email, password: "correct horse battery" }), await b.form("/login", { email, password: "correct horse battery" })]) {
      const c = parseSetCookie(res);
      expect(c.name).toBe("lg_session");
      expect(c.value).toMatch(/^lgsess_[A-Za-z0-9_-]{43}$/);
      expect(c.attrs.has("httponly")).toBe(true);
      expect(c.attrs.get("samesite")).toBe("Lax");
      expect(c.attrs.get("path")).toBe("/");
      expect(c.attrs.has("domain")).toBe(false);
    }
  });

  it("over HTTPS: __Host-lg_session with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain; the unprefixed name is not accepted", async () => {
    const email = uniqueEmail("https");
    const signup = await exports.default.fetch(
      new Request(`${HTTPS_ORIGIN}/signup`, {
        method: "POST",
        headers: { Origin: HTTPS_ORIGIN, "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": randomIp() },
        body: new URLSearchParams({ email, password: "correct horse battery" }).toString(),
      }),
    );
    expect(signup.status).toBe(201);
    const c = parseSetCookie(signup);
    expect(c.name).toBe("__Host-lg_session");
    expect(c.attrs.has("secure")).toBe(true);
    expect(c.attrs.has("httponly")).toBe(true);
    expect(c.attrs.get("samesite")).toBe("Lax");
    expect(c.attrs.get("path")).toBe("/");
    expect(c.attrs.has("domain")).toBe(false);
    expect(await sessionWorks(`__Host-lg_session=${c.value}`, HTTPS_ORIGIN)).toBe(true);
    // a cookie without the prefix could have been planted by a sibling domain or over HTTP: ignored over HTTPS
    expect(await sessionWorks(`lg_session=${c.value}`, HTTPS_ORIGIN)).toBe(false);
    // logging out clears the prefixed cookie in a way browsers accept (Secure, Path=/)
    const logout = await exports.default.fetch(
      new Request(`${HTTPS_ORIGIN}/logout`, { method: "POST", headers: { Origin: HTTPS_ORIGIN, Cookie: `__Host-lg_session=${c.value}` }, redirect: "manual" }),
    );
    expect(logout.status).toBe(303);
    const cleared = parseSetCookie(logout);
    expect(cleared.name).toBe("__Host-lg_session");
    expect(cleared.attrs.has("secure")).toBe(true);
    expect(cleared.attrs.get("path")).toBe("/");
    expect(cleared.attrs.get("max-age")).toBe("0");
    expect(await sessionWorks(`__Host-lg_session=${c.value}`, HTTPS_ORIGIN)).toBe(false);
  });
});

describe("property 5: session lifecycle", () => {
  it("login rotates the session: the cookie the browser came with stops working", async () => {
    const b = new Browser();
    const account = await b.signup();
    const before = cookieOf(b);
    expect(await sessionWorks(before)).toBe(true);
    expect((await b.form("/login", { email: account.email, password: account.password })).status).toBe(303);
    const after = cookieOf(b);
    expect(after).not.toBe(before);
    expect(await sessionWorks(after)).toBe(true);
    expect(await sessionWorks(before)).toBe(false);
    expect((await call("/api/accounts/me", { headers: { Cookie: before } })).status).toBe(401);
  });

  it("a session value chosen by an attacker before login is never adopted", async () => {
    const account = await new Browser().signup();
    const victim = new Browser();
    victim.cookies.set("lg_session", "lgsess_attacker-chosen-value");
    await victim.form("/login", { email: account.email, password: account.password });
    expect(victim.cookies.get("lg_session")).not.toBe("lgsess_attacker-chosen-value");
    expect(await sessionWorks("lg_session=lgsess_attacker-chosen-value")).toBe(false);
  });

  it("an expired session is refused even though its row and cookie still exist", async () => {
    const b = new Browser();
    const account = await b.signup();
    expect(await sessionWorks(cookieOf(b))).toBe(true);
    const hash = await keyedHash(env.APP_SECRET!, "auth-token:session", b.cookies.get("lg_session")!);
    await env.DB.prepare("UPDATE auth_tokens SET expires_at_ms = ? WHERE token_hash = ?").bind(Date.now() - 1000, hash).run();
    expect(await sessionRows(account.email)).toBe(1);
    expect(await sessionWorks(cookieOf(b))).toBe(false);
    expect((await call("/api/accounts/me", { headers: { Cookie: cookieOf(b) } })).status).toBe(401);
  });

  it("logout revokes the session server-side (a copied cookie is dead too)", async () => {
    const b = new Browser();
    const account = await b.signup();
    const stolen = cookieOf(b);
    expect(await sessionRows(account.email)).toBe(1);
    const res = await b.fetch("/logout", { method: "POST" });
    expect(res.status).toBe(303);
    expect(b.cookies.has("lg_session")).toBe(false);
    expect(await sessionWorks(stolen)).toBe(false);
    expect((await call("/api/accounts/me", { headers: { Cookie: stolen } })).status).toBe(401);
    expect(await sessionRows(account.email)).toBe(0);
  });

  it("a password change signs out every other session and keeps the one that made it (here changed through the API with the session itself)", async () => {
    const first = new Browser();
    const account = await first.signup();
    const second = new Browser();
    await second.form("/login", { email: account.email, password: account.password });
    const [c1, c2] = [cookieOf(first), cookieOf(second)];
    expect(await sessionWorks(c1)).toBe(true);
    expect(await sessionWorks(c2)).toBe(true);
    const res = await first.fetch("/api/accounts/update-password", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ old_password: account.password, new_password: "a different password" }),
    });
    expect(res.status).toBe(200);
    expect(await sessionWorks(c1)).toBe(true);
    expect(await sessionWorks(c2)).toBe(false);
    expect(await sessionRows(account.email)).toBe(1);
  });

  it("a password change through the API key also signs out the browser sessions", async () => {
    const b = new Browser();
    const account = await b.signup();
    const cookie = cookieOf(b);
    const res = await call("/api/accounts/update-password", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) },
      body: JSON.stringify({ old_password: account.password, new_password: "a different password" }),
    });
    expect(res.status).toBe(200);
    expect(await sessionWorks(cookie)).toBe(false);
  });

  it("deleting the account from the dashboard revokes every session", async () => {
    const first = new Browser();
    const account = await first.signup();
    const second = new Browser();
    await second.form("/login", { email: account.email, password: account.password });
    const [c1, c2] = [cookieOf(first), cookieOf(second)];
    const userId = (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(account.email).first<{ id: string }>())!.id;
    const res = await first.form("/dashboard/delete-account", { confirm: "yes", password: account.password });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
    expect(first.cookies.has("lg_session")).toBe(false);
    expect(await sessionWorks(c1)).toBe(false);
    expect(await sessionWorks(c2)).toBe(false);
    expect(await sessionRows(userId)).toBe(0);
    const orphan = await env.DB.prepare("SELECT COUNT(*) AS n FROM auth_tokens WHERE token_hash IN (?, ?)")
      .bind(await keyedHash(env.APP_SECRET!, "auth-token:session", c1.split("=")[1]), await keyedHash(env.APP_SECRET!, "auth-token:session", c2.split("=")[1]))
      .first<{ n: number }>();
    expect(orphan!.n).toBe(0);
  });

  it("deleting the account through the API revokes the browser sessions too", async () => {
    const b = new Browser();
    const account = await b.signup();
    const cookie = cookieOf(b);
    const res = await call("/api/accounts/me", { method: "DELETE", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ password: account.password }) });
    expect(res.status).toBe(200);
    expect(await sessionWorks(cookie)).toBe(false);
  });
});
