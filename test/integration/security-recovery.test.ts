import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, apiSignup, bearer, call, json, randomIp, uniqueEmail } from "../support/http";
import { consent } from "../support/consent";

/**
 * A forgotten password is not a locked PDL (SECURITY.md 1, 5, 6): the client_secret sets a new password, the
 * encrypted cache stays readable, every sign-in is revoked, and the route is throttled like login.
 */

const PDL = "09100000000001";
const daysAgo = (n: number) => addDays(todayInParis(new Date()), -n);
const recover = (body: Record<string, string>, ip = randomIp()) => call("/api/accounts/recover", json(body, { "CF-Connecting-IP": ip }));
const loginStatus = async (email: string, password: string) => (await call("/api/accounts/login", json({ email, password }))).status;
const meStatus = async (token: string) => (await call("/api/accounts/me", { headers: bearer(token) })).status;
async function sessionWorks(cookie: string) {
  const res = await exports.default.fetch(new Request("http://localhost:8000/dashboard", { headers: { Cookie: cookie }, redirect: "manual" }));
  return res.status === 200;
}

describe("POST /api/accounts/recover", () => {
  it("replaces the password with the client_secret; the cache stays readable; every session and access token is revoked", async () => {
    const b = new Browser();
    const account = await b.signup();
    await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = ?").bind(PDL).run();
    await consent(b, "martin");
    const day = `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(12)}&end=${daysAgo(11)}`;
    const first = await call(day, { headers: bearer(account.clientSecret) });
    expect(first.status).toBe(200);
    const original = await first.json();
    const login = (await (await call("/api/accounts/login", json({ email: account.email, password: account.password }))).json()) as { data: { access_token: string } };
    const cookie = `lg_session=${b.cookies.get("lg_session")}`;
    expect(await sessionWorks(cookie)).toBe(true);

    const res = await recover({ email: account.email.toUpperCase(), client_secret: account.clientSecret, new_password: "a recovered password" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, data: {} });

    // signed out everywhere
    expect(await sessionWorks(cookie)).toBe(false);
    expect(await meStatus(login.data.access_token)).toBe(401);
    // the old password is gone, the new one works, and with it the cached day is read from the cache (data key kept)
    expect(await loginStatus(account.email, account.password)).toBe(401);
    const fresh = (await (await call("/api/accounts/login", json({ email: account.email, password: "a recovered password" }))).json()) as { data: { access_token: string } };
    const cached = await call(day, { headers: bearer(fresh.data.access_token) });
    expect(cached.status).toBe(200);
    expect(cached.headers.get("X-Cache-Status")).toBe("HIT");
    expect(await cached.json()).toEqual(original);
    // the client_secret keeps working (it is what the household still holds)
    expect(await meStatus(account.clientSecret)).toBe(200);
  });

  it("an unknown email and a wrong secret get the same 401 INVALID_CREDENTIALS, and change nothing", async () => {
    const a = await apiSignup();
    const other = await apiSignup();
    const answers = [
      await recover({ email: a.email, client_secret: "lgs_wrong-secret", new_password: "a recovered password" }),
      await recover({ email: a.email, client_secret: other.clientSecret, new_password: "a recovered password" }),
      await recover({ email: uniqueEmail("ghost"), client_secret: a.clientSecret, new_password: "a recovered password" }),
      await recover({ email: uniqueEmail("ghost"), client_secret: "lgs_wrong-secret", new_password: "a recovered password" }),
    ];
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0])).toMatchObject({ success: false, error: { code: "INVALID_CREDENTIALS" } });
    expect(await loginStatus(a.email, a.password)).toBe(200);
    expect(await loginStatus(other.email, other.password)).toBe(200);
  });

  it("refuses a weak or common new password (400 WEAK_PASSWORD) before anything changes", async () => {
    const a = await apiSignup();
    for (const new_password of ["short", "password123", "AZERTYUIOP"]) {
      const res = await recover({ email: a.email, client_secret: a.clientSecret, new_password });
      expect(res.status, new_password).toBe(400);
      expect(await res.json()).toMatchObject({ success: false, error: { code: "WEAK_PASSWORD", field: "new_password" } });
    }
    expect(await loginStatus(a.email, a.password)).toBe(200);
  });

  it("is throttled like login: 10 tries per (email, IP), then 429 with Retry-After even with the right secret; another IP still works", async () => {
    const a = await apiSignup();
    const ip = randomIp();
    for (let i = 0; i < 10; i++) expect((await recover({ email: a.email, client_secret: `lgs_guess-${i}`, new_password: "a recovered password" }, ip)).status).toBe(401);
    const blocked = await recover({ email: a.email, client_secret: a.clientSecret, new_password: "a recovered password" }, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ success: false, error: { code: "TOO_MANY_ATTEMPTS" } });
    expect(await loginStatus(a.email, a.password)).toBe(200);
    expect((await recover({ email: a.email, client_secret: a.clientSecret, new_password: "a recovered password" })).status).toBe(200);
  });
});

describe("the recovery page", () => {
  it('/login links to it ("Mot de passe oublié ?"); it asks for email, client_secret and a new password and says what to do when both are lost', async () => {
    const login = await (await new Browser().fetch("/login")).text();
    expect(login).toMatch(/<a href="\/recover"[^>]*>Mot de passe oublié \?<\/a>/);
    const res = await new Browser().fetch("/recover");
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const field of ["email", "client_secret", "new_password"]) expect(html).toContain(`name="${field}"`);
    expect(html).toMatch(/<form method="post" action="\/recover">/);
    const bothLost = /id="both-lost">([\s\S]*?)<\/p>/.exec(html)![1];
    expect(bothLost).toMatch(/Ne supprimez rien/);
    expect(bothLost).toMatch(/exploitant/);
    expect(bothLost).toMatch(/libère vos points de livraison/);
  });

  it("sets the new password, signs out the old sessions; wrong secret and unknown email read the same", async () => {
    const owner = new Browser();
    const account = await owner.signup();
    const cookie = `lg_session=${owner.cookies.get("lg_session")}`;

    const ghost = uniqueEmail("ghost");
    const wrong = await new Browser().form("/recover", { email: account.email, client_secret: "lgs_wrong", new_password: "a recovered password" });
    const unknown = await new Browser().form("/recover", { email: ghost, client_secret: account.clientSecret, new_password: "a recovered password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.text()).split(account.email).join("EMAIL")).toBe((await unknown.text()).split(ghost).join("EMAIL"));

    const weak = await new Browser().form("/recover", { email: account.email, client_secret: account.clientSecret, new_password: "azertyuiop" });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toContain("plus courants");

    const ok = await new Browser().form("/recover", { email: account.email, client_secret: account.clientSecret, new_password: "a recovered password" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('id="recovered"');
    expect(await sessionWorks(cookie)).toBe(false);
    const b = new Browser();
    expect((await b.form("/login", { email: account.email, password: "a recovered password" })).status).toBe(303);
  });

  it("the page shares the login throttle: 10 tries per (email, IP), then 429 with Retry-After", async () => {
    const a = await apiSignup();
    const b = new Browser();
    for (let i = 0; i < 10; i++) expect((await b.form("/recover", { email: a.email, client_secret: `lgs_guess-${i}`, new_password: "a recovered password" })).status).toBe(401);
    const blocked = await b.form("/recover", { email: a.email, client_secret: a.clientSecret, new_password: "a recovered password" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await loginStatus(a.email, a.password)).toBe(200);
  });

  it("a recovery form posted from another site is refused (403) and changes nothing", async () => {
    const a = await apiSignup();
    const res = await call("/recover", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: new URLSearchParams({ email: a.email, client_secret: a.clientSecret, new_password: "attacker chosen pw" }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await loginStatus(a.email, a.password)).toBe(200);
  });
});
