import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { Browser, apiSignup, bearer, call, json, randomIp, uniqueEmail } from "../support/http";
import { consent } from "../support/consent";

/** SECURITY.md property 6: same answer for a wrong password and an unknown email, throttling, size caps, validation. */

const loginJson = (email: string, password: string, ip = randomIp()) => call("/api/accounts/login", json({ email, password }, { "CF-Connecting-IP": ip }));

describe("property 6: a wrong password and an unknown email answer the same", () => {
  it("JSON API: same status, headers and bytes", async () => {
    const a = await apiSignup();
    const wrong = await loginJson(a.email, "wrong password");
    const unknown = await loginJson(uniqueEmail("ghost"), "wrong password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    for (const h of ["Content-Type", "WWW-Authenticate", "Cache-Control"]) expect(unknown.headers.get(h), h).toBe(wrong.headers.get(h));
    expect(await unknown.text()).toBe(await wrong.text());
  });

  it("HTML login page: same status and the same page but for the echoed address", async () => {
    const a = await apiSignup();
    const ghost = uniqueEmail("ghost");
    const wrong = await new Browser().form("/login", { email: a.email, password: "wrong password" });
    const unknown = await new Browser().form("/login", { email: ghost, password: "wrong password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    expect(unknown.headers.getSetCookie()).toEqual([]);
    const normalize = (html: string, email: string) => html.split(email).join("EMAIL");
    const [w, u] = [normalize(await wrong.text(), a.email), normalize(await unknown.text(), ghost)];
    expect(w).toContain("EMAIL");
    expect(u).toBe(w);
  });

  it("does the same work for both: one PBKDF2 run each (no timing shortcut for unknown emails)", async () => {
    const a = await apiSignup();
    const spy = vi.spyOn(crypto.subtle, "deriveBits");
    try {
      await loginJson(a.email, "wrong password");
      const forWrong = spy.mock.calls.filter(([alg]) => (alg as { name: string }).name === "PBKDF2").length;
      spy.mockClear();
      await loginJson(uniqueEmail("ghost"), "wrong password");
      const forUnknown = spy.mock.calls.filter(([alg]) => (alg as { name: string }).name === "PBKDF2").length;
      expect(forWrong).toBe(1);
      expect(forUnknown).toBe(forWrong);
      const iterations = spy.mock.calls.map(([alg]) => (alg as { iterations?: number }).iterations);
      expect(iterations).toEqual([100_000]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("property 6: throttling", () => {
  it("login is throttled per IP across emails, and a throttled attempt does not log in even with the right password", async () => {
    const a = await apiSignup();
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await loginJson(uniqueEmail("spray"), "password spraying", ip)).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const blocked = await loginJson(a.email, a.password, ip);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ success: false, error: { code: "TOO_MANY_ATTEMPTS" } });
    // the same account from another address is not locked by that IP
    expect((await loginJson(a.email, a.password)).status).toBe(200);
  });

  // SECURITY.md 6: "A stranger cannot lock a user out: the tight limit is per (email, IP) pair, the per-email
  // limit is looser." Numbers (15-minute windows): 10 per pair, 100 per email, 30 per IP.
  it("a stranger cannot lock the owner out (API): 10 tries per (email, IP) block that pair only; the owner logs in from elsewhere", async () => {
    const a = await apiSignup();
    const stranger = randomIp();
    for (let i = 0; i < 10; i++) expect((await loginJson(a.email, `guess ${i}`, stranger)).status).toBe(401);
    const blocked = await loginJson(a.email, a.password, stranger);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await blocked.json()).toMatchObject({ success: false, error: { code: "TOO_MANY_ATTEMPTS" } });
    // the stranger's blocked tries do not count against the owner: still blocked, and the owner still gets in
    for (let i = 0; i < 5; i++) expect((await loginJson(a.email, `guess more ${i}`, stranger)).status).toBe(429);
    expect((await loginJson(a.email, a.password, randomIp())).status).toBe(200);
    // the same stranger address may still log in to another account (the pair, not the IP, is blocked)
    const b = await apiSignup();
    expect((await loginJson(b.email, b.password, stranger)).status).toBe(200);
  });

  it("the same on the login page: the pair is blocked (429, no session), the owner's browser logs in", async () => {
    const a = await apiSignup();
    const stranger = new Browser();
    for (let i = 0; i < 10; i++) expect((await stranger.form("/login", { email: a.email, password: "wrong password" })).status).toBe(401);
    const res = await stranger.form("/login", { email: a.email, password: a.password });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(stranger.cookies.size).toBe(0);
    const owner = new Browser();
    expect((await owner.form("/login", { email: a.email, password: a.password })).status).toBe(303);
    expect(owner.cookies.size).toBe(1);
  });

  it("the page and the API share the counters: tries on one count on the other", async () => {
    const a = await apiSignup();
    const b = new Browser();
    for (let i = 0; i < 10; i++) expect((await b.form("/login", { email: a.email, password: "wrong password" })).status).toBe(401);
    expect((await loginJson(a.email, a.password, b.ip)).status).toBe(429);
  });

  it("per email, across addresses: 100 tries in 15 minutes, then 429 from any address (a distributed guesser is stopped)", async () => {
    const a = await apiSignup();
    const ips = Array.from({ length: 10 }, () => randomIp());
    for (const ip of ips) for (let i = 0; i < 10; i++) expect((await loginJson(a.email, `guess ${i}`, ip)).status).toBe(401);
    const blocked = await loginJson(a.email, a.password, randomIp());
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ success: false, error: { code: "TOO_MANY_ATTEMPTS" } });
  });

  // SECURITY.md 6: "Login and signup are throttled per IP and per email": without the per-email count, an
  // existing address could be probed with 409 USER_EXISTS from as many addresses as one likes.
  it("signup is throttled per email (probing one address from many IPs ends in 429)", async () => {
    const a = await apiSignup();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call("/api/accounts/signup", json({ email: a.email, password: "another password" }, { "CF-Connecting-IP": randomIp() }))).status);
    expect(statuses).toContain(429);
  });

  it("the signup page is throttled per IP", async () => {
    const b = new Browser();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await b.form("/signup", { email: uniqueEmail("burst"), password: "correct horse battery" })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(201));
    expect(statuses[10]).toBe(429);
  });
});

describe("property 6: body size caps and validation", () => {
  const BIG = "x".repeat(100 * 1024);

  it("a 100 KB body is refused with 413 PAYLOAD_TOO_LARGE on every kind of /api route, before it is used", async () => {
    const a = await apiSignup();
    const usersBefore = (await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<{ n: number }>())!.n;
    const bigJson = JSON.stringify({ email: uniqueEmail("big"), password: BIG });
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ["POST", "/api/accounts/signup", { "Content-Type": "application/json" }, bigJson],
      ["POST", "/api/accounts/login", { "Content-Type": "application/json" }, bigJson],
      ["POST", "/api/accounts/token", { "Content-Type": "application/x-www-form-urlencoded" }, new URLSearchParams({ grant_type: "client_credentials", client_id: a.clientId, client_secret: BIG }).toString()],
      ["POST", "/api/accounts/update-password", { "Content-Type": "application/json", ...bearer(a.clientSecret) }, JSON.stringify({ old_password: a.password, new_password: BIG })],
      ["PATCH", "/api/pdl/09100000000001", { "Content-Type": "application/json", ...bearer(a.clientSecret) }, JSON.stringify({ name: BIG })],
      ["POST", "/api/accounts/regenerate-secret", { "Content-Type": "application/json", ...bearer(a.clientSecret) }, JSON.stringify({ pad: BIG })],
      ["POST", "/api/no-such-route", { "Content-Type": "application/json" }, JSON.stringify({ pad: BIG })],
    ];
    for (const [method, path, headers, body] of cases) {
      const res = await call(path, { method, headers, body });
      expect(res.status, path).toBe(413);
      expect(await res.json(), path).toMatchObject({ success: false, error: { code: "PAYLOAD_TOO_LARGE" } });
    }
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<{ n: number }>())!.n).toBe(usersBefore);
    // the secret was not regenerated by the oversized call
    expect((await call("/api/accounts/me", { headers: bearer(a.clientSecret) })).status).toBe(200);
  });

  it("a streamed body without Content-Length is capped too", async () => {
    const chunk = new TextEncoder().encode(`{"email":"${uniqueEmail("stream")}","password":"${BIG}"}`);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await call("/api/accounts/signup", { method: "POST", headers: { "Content-Type": "application/json" }, body: stream, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("page forms are capped as well", async () => {
    const res = await new Browser().form("/login", { email: uniqueEmail("big"), password: BIG });
    expect(res.status).toBe(413);
  });

  it("malformed or unexpected input is a 400 from the schema, never a 500", async () => {
    const a = await apiSignup();
    const cases: Array<[string, string, unknown, Record<string, string>?]> = [
      ["POST", "/api/accounts/signup", { email: 123, password: ["a"] }],
      ["POST", "/api/accounts/signup", []],
      ["POST", "/api/accounts/login", { email: "x'or'1'='1@example.test", password: "' OR '1'='1" }],
      ["POST", "/api/accounts/login", { email: { $ne: null }, password: { $ne: null } }],
      ["PATCH", "/api/pdl/09100000000001", { name: "x", user_id: "someone-else" }, bearer(a.clientSecret)],
      ["PATCH", "/api/pdl/09100000000001", { is_active: "yes" }, bearer(a.clientSecret)],
      ["PATCH", "/api/pdl/0910000000000%27%20OR%201=1", { name: "x" }, bearer(a.clientSecret)],
    ];
    for (const [method, path, body, headers] of cases) {
      const res = await call(path, { method, headers: { "Content-Type": "application/json", ...(headers ?? {}) }, body: JSON.stringify(body) });
      expect([400, 401], `${method} ${path} ${JSON.stringify(body)}`).toContain(res.status);
      expect(((await res.json()) as { success: boolean }).success).toBe(false);
    }
  });

  it("SQL metacharacters are data, not SQL (drizzle binds parameters)", async () => {
    const b = new Browser();
    const account = await b.signup();
    await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = '09100000000001'").run();
    await consent(b, "martin");
    const name = `'); DROP TABLE users; --`;
    const res = await call("/api/pdl/09100000000001", { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(account.clientSecret) }, body: JSON.stringify({ name }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { name: string } }).data.name).toBe(name);
    expect((await env.DB.prepare("SELECT name FROM usage_points WHERE usage_point_id = '09100000000001'").first<{ name: string }>())!.name).toBe(name);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<{ n: number }>())!.n).toBeGreaterThan(0);
  });
});
