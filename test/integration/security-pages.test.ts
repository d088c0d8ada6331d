import { beforeAll, describe, expect, it } from "vitest";
import { Browser, bearer, call, makeAdmin } from "../support/http";
import { consent } from "../support/consent";

/** SECURITY.md property 5, pages: security headers on every page, user text always escaped. */
const PDL = "09100000000001";
const SAFE_REFERRER = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];

function directives(csp: string) {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name.toLowerCase(), values] as const;
      }),
  );
}

function expectSecurityHeaders(res: Response, label: string) {
  const csp = res.headers.get("Content-Security-Policy");
  expect(csp, label).toBeTruthy();
  const d = directives(csp!);
  const scriptSrc = d.get("script-src") ?? d.get("default-src");
  expect(scriptSrc, `${label}: script-src`).toBeDefined();
  expect(scriptSrc, label).not.toContain("'unsafe-inline'");
  expect(scriptSrc, label).not.toContain("'unsafe-eval'");
  expect(scriptSrc, label).not.toContain("*");
  expect(d.get("frame-ancestors"), label).toEqual(["'none'"]);
  expect(d.get("object-src") ?? d.get("default-src"), label).not.toContain("*");
  expect(res.headers.get("X-Content-Type-Options"), label).toBe("nosniff");
  expect(SAFE_REFERRER, label).toContain(res.headers.get("Referrer-Policy"));
}

/** A page must not contain any of these once user text is in it. */
const INJECTED = [/<script>alert/i, /<img src=x/i, /"><script/i];

describe("property 5: pages", () => {
  let b: Browser;
  let secret: string;
  beforeAll(async () => {
    b = new Browser();
    secret = (await b.signup()).clientSecret;
    await consent(b, "martin");
  });

  it("every page carries the security headers: CSP without inline scripts, no framing, nosniff, a strict Referrer-Policy", async () => {
    const pages = ["/", "/signup", "/login", "/dashboard", `/dashboard/pdl/${PDL}`, "/docs", "/no-such-page", "/dashboard?consent=success&detected=1&new=1"];
    for (const path of pages) {
      const res = await b.fetch(path);
      expect([200, 404], path).toContain(res.status);
      expect(res.headers.get("Content-Type"), path).toMatch(/^text\/html/);
      expectSecurityHeaders(res, path);
      const html = await res.text();
      // no inline script blocks: every <script> has a src on our own origin
      for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) expect(tag, path).toMatch(/\ssrc="\/[^/]/);
      expect(html, path).not.toMatch(/\son[a-z]+=/i);
    }
    // pages answered for a failed form post too
    const failed = await new Browser().form("/login", { email: "nobody@example.test", password: "wrong" });
    expectSecurityHeaders(failed, "POST /login");
  });

  it("every page behind login, every page that shows a secret and every form result carries Cache-Control: no-store", async () => {
    const noStore = (res: Response, label: string) => expect(res.headers.get("Cache-Control") ?? "", label).toMatch(/(^|,\s*)no-store(\s*,|$)/);
    // pages that show a secret: the signup result and the new-secret page
    const other = new Browser();
    const signup = await other.form("/signup", { email: `nostore-${Date.now()}@example.test`, password: "correct horse battery" });
    expect(signup.status).toBe(201);
    expect(await signup.text()).toContain('id="client-secret"');
    noStore(signup, "POST /signup");
    const regenerated = await other.fetch("/dashboard/regenerate-secret", { method: "POST" });
    expect(regenerated.status).toBe(200);
    expect(await regenerated.text()).toContain('id="client-secret"');
    noStore(regenerated, "POST /dashboard/regenerate-secret");

    // pages behind login, the PDL page as opened from our own page and from another site
    for (const [path, site] of [["/dashboard", null], [`/dashboard/pdl/${PDL}`, "same-origin"], [`/dashboard/pdl/${PDL}`, "cross-site"], ["/dashboard?consent=success&detected=1&new=1", null], ["/", null]] as const) {
      const res = await b.fetch(path, { headers: site ? { "Sec-Fetch-Site": site } : {} });
      expect(res.status, path).toBe(200);
      noStore(res, `${path} (${site})`);
    }
    // the admin page
    const admin = new Browser();
    const adminAccount = await admin.signup();
    await makeAdmin(adminAccount.email);
    const adminPage = await admin.fetch("/admin");
    expect(adminPage.status).toBe(200);
    noStore(adminPage, "/admin");

    // form results: redirects, re-rendered forms, error pages
    const results: Array<[string, Promise<Response>, number]> = [
      ["POST /login (wrong)", new Browser().form("/login", { email: "nobody@example.test", password: "wrong" }), 401],
      ["POST /login", new Browser().form("/login", { email: adminAccount.email, password: adminAccount.password }), 303],
      ["POST rename", b.form(`/dashboard/pdl/${PDL}/rename`, { name: "Maison" }), 303],
      ["POST reset-quota", admin.fetch(`/admin/users/${crypto.randomUUID()}/reset-quota`, { method: "POST" }), 303],
      ["POST /consent", b.fetch("/consent", { method: "POST" }), 302],
      ["GET /dashboard signed out", new Browser().fetch("/dashboard"), 303],
      ["POST without Origin", b.fetch("/dashboard/regenerate-secret", { method: "POST", headers: { Origin: "https://evil.example" } }), 403],
      ["unknown PDL", b.fetch("/dashboard/pdl/09999999999999"), 404],
      ["no such page", b.fetch("/no-such-page"), 404],
      ["API", call("/api/accounts/me", { headers: bearer(secret) }), 200],
    ];
    for (const [label, pending, status] of results) {
      const res = await pending;
      expect(res.status, label).toBe(status);
      noStore(res, label);
    }
  });

  it("signup and login re-render a hostile email escaped", async () => {
    const hostile = `"><script>alert(1)</script>@x.fr`;
    for (const path of ["/signup", "/login"]) {
      const res = await new Browser().form(path, { email: hostile, password: "correct horse battery" });
      expect(res.status, path).toBe(400);
      const html = await res.text();
      for (const bad of INJECTED) expect(html, path).not.toMatch(bad);
      expect(html, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });

  it("a hostile PDL name is escaped on the dashboard and on the details page", async () => {
    const hostile = `<img src=x onerror=alert(1)>"><script>alert(1)</script>`;
    const patch = await call(`/api/pdl/${PDL}`, { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(secret) }, body: JSON.stringify({ name: hostile }) });
    expect(patch.status).toBe(200);
    expect(((await patch.json()) as { data: { name: string } }).data.name).toBe(hostile); // stored as given, escaped on output
    for (const path of ["/dashboard", `/dashboard/pdl/${PDL}`]) {
      const html = await (await b.fetch(path)).text();
      for (const bad of INJECTED) expect(html, path).not.toMatch(bad);
      expect(html, path).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
    // the same name set through the page's own rename form
    await b.form(`/dashboard/pdl/${PDL}/rename`, { name: `<svg onload=alert(1)>` });
    const html = await (await b.fetch(`/dashboard/pdl/${PDL}`)).text();
    expect(html).not.toMatch(/<svg onload/i);
    expect(html).toContain("&lt;svg onload=alert(1)&gt;");
  });

  it("query text never reaches the page unescaped", async () => {
    const res = await b.fetch(`/dashboard?consent=${encodeURIComponent("<script>alert(1)</script>")}&detected=${encodeURIComponent("<b>")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toContain("<b>");
  });
});
