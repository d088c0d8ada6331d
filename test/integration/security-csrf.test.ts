import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { accountPrefix } from "../../src/cache/keys";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, bearer, call, makeAdmin, uniqueEmail } from "../support/http";
import { consent } from "../support/consent";

/**
 * SECURITY.md property 5, CSRF: every state-changing form refuses a cross-site request and changes nothing;
 * cookie-authenticated API calls must come from our own pages too.
 */
const EVIL = "https://evil.example";
const PDL = "09100000000001";
const FORM = { "Content-Type": "application/x-www-form-urlencoded" };
const daysAgo = (n: number) => addDays(todayInParis(new Date()), -n);

describe("property 5: CSRF", () => {
  let victim: Browser;
  let secret: string;
  let userId: string;
  const counts = async () => ({
    states: (await env.DB.prepare("SELECT COUNT(*) AS n FROM consent_states").first<{ n: number }>())!.n,
    users: (await env.DB.prepare("SELECT COUNT(*) AS n FROM users").first<{ n: number }>())!.n,
    pdl: await env.DB.prepare("SELECT name, is_active FROM usage_points WHERE usage_point_id = ?").bind(PDL).first(),
    secretHash: (await env.DB.prepare("SELECT client_secret_hash FROM users WHERE id = ?").bind(userId).first<{ client_secret_hash: string }>())?.client_secret_hash,
    sessions: (await env.DB.prepare("SELECT COUNT(*) AS n FROM auth_tokens WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n,
  });
  const stillSignedIn = async () => (await victim.fetch("/dashboard")).status === 200;

  beforeAll(async () => {
    victim = new Browser();
    secret = (await victim.signup()).clientSecret;
    userId = ((await (await call("/api/accounts/me", { headers: bearer(secret) })).json()) as { data: { user_id: string } }).data.user_id;
    await consent(victim, "martin");
    expect((await call(`/api/pdl/${PDL}`, { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(secret) }, body: JSON.stringify({ name: "Maison" }) })).status).toBe(200);
  });

  it("every page form posted from another site: 403, and nothing changed", async () => {
    const before = await counts();
    const forms: Array<[string, Record<string, string>]> = [
      ["/logout", {}],
      ["/dashboard/regenerate-secret", {}],
      ["/dashboard/delete-account", { confirm: "yes" }],
      ["/consent", {}],
      [`/dashboard/pdl/${PDL}/rename`, { name: "pwned" }],
      [`/dashboard/pdl/${PDL}/toggle`, {}],
      [`/dashboard/pdl/${PDL}/delete`, {}],
      ["/signup", { email: uniqueEmail("csrf"), password: "correct horse battery" }],
      ["/login", { email: "attacker@evil.example", password: "attacker password" }],
    ];
    for (const [path, fields] of forms) {
      const variants: Array<Record<string, string>> = [{ Origin: EVIL }, { Origin: "null" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "http://localhost:8000.evil.example" }];
      for (const headers of variants) {
        const init: RequestInit = { method: "POST", headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() };
        // without Origin the Browser helper would add ours: build the request by hand for the Sec-Fetch-Site case
        const res = "Origin" in headers ? await victim.fetch(path, init) : await call(path, { ...init, headers: { ...FORM, ...headers, Cookie: `lg_session=${victim.cookies.get("lg_session")}` }, redirect: "manual" });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(res.headers.get("Location"), path).toBeNull();
        expect(res.headers.getSetCookie(), path).toEqual([]);
      }
    }
    expect(await counts()).toEqual(before);
    expect(await stillSignedIn()).toBe(true);
    expect((await call("/api/accounts/me", { headers: bearer(secret) })).status).toBe(200);
  });

  it("administrator forms posted from another site: 403, the user's cache and quota untouched", async () => {
    const read = await call(`/api/enedis/consumption/daily/${PDL}?start=${daysAgo(12)}&end=${daysAgo(10)}`, { headers: bearer(secret) });
    expect(read.status).toBe(200);
    const cacheKeys = async () => (await env.KV.list({ prefix: await accountPrefix(env, userId) })).keys.length;
    const usage = async () => (await call("/api/accounts/usage-stats", { headers: bearer(secret) })).json();
    const [keysBefore, usageBefore] = [await cacheKeys(), await usage()];
    expect(keysBefore).toBeGreaterThan(0);
    const admin = new Browser();
    await makeAdmin((await admin.signup()).email);
    for (const action of ["purge-cache", "reset-quota"]) {
      const res = await admin.fetch(`/admin/users/${userId}/${action}`, { method: "POST", headers: { ...FORM, Origin: EVIL } });
      expect(res.status, action).toBe(403);
    }
    expect(await cacheKeys()).toBe(keysBefore);
    expect(await usage()).toEqual(usageBefore);
    // control: from the admin page itself the purge goes through
    expect((await admin.form(`/admin/users/${userId}/purge-cache`, {})).status).toBeLessThan(400);
    expect(await cacheKeys()).toBe(0);
  });

  it("the same forms from our own pages work (the check is not just refusing everything)", async () => {
    const res = await victim.form(`/dashboard/pdl/${PDL}/rename`, { name: "Maison principale" });
    expect(res.status).toBe(303);
    expect((await counts()).pdl).toMatchObject({ name: "Maison principale" });
  });

  it("cookie-authenticated API calls from another site: 403 CSRF_FAILED, nothing changed", async () => {
    const before = await counts();
    const calls: Array<[string, string, unknown?]> = [
      ["POST", "/api/accounts/regenerate-secret"],
      ["POST", "/api/accounts/update-password", { old_password: "correct horse battery", new_password: "attacker chosen pw" }],
      ["DELETE", "/api/accounts/me"],
      ["PATCH", `/api/pdl/${PDL}`, { name: "pwned" }],
      ["DELETE", `/api/pdl/${PDL}`],
      ["DELETE", `/api/enedis/cache/${PDL}`],
    ];
    for (const [method, path, body] of calls) {
      const variants: Array<Record<string, string>> = [{ Origin: EVIL }, { "Content-Type": "text/plain" }];
      for (const headers of variants) {
        const cookie = `lg_session=${victim.cookies.get("lg_session")}`;
        const res = await call(path, {
          method,
          headers: { "Content-Type": "application/json", ...headers, Cookie: cookie },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await res.json()).toMatchObject({ success: false, error: { code: "CSRF_FAILED" } });
      }
    }
    expect(await counts()).toEqual(before);
    expect((await call("/api/accounts/me", { headers: bearer(secret) })).status).toBe(200);
    // from our own origin the same cookie call works
    const own = await victim.fetch("/api/accounts/regenerate-secret", { method: "POST" });
    expect(own.status).toBe(200);
    secret = ((await own.json()) as { data: { client_secret: string } }).data.client_secret;
  });

  it("a link from another site cannot make a signed-in browser spend quota or call Enedis through the mirror", async () => {
    const url = `/api/enedis/consumption/daily/${PDL}?start=${daysAgo(90)}&end=${daysAgo(80)}&use_cache=false`;
    const usage = async () => (await (await call("/api/accounts/usage-stats", { headers: bearer(secret) })).json()) as { data: { no_cache_requests: number; cached_requests: number } };
    const enedisCalls = async () => ((await (await call("/simulator/_control/stats")).json()) as { total: number }).total;
    const before = await usage();
    const callsBefore = await enedisCalls();
    const crossSite = await victim.fetch(url, { headers: { "Sec-Fetch-Site": "cross-site" } });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.json()).toMatchObject({ success: false, error: { code: "CSRF_FAILED" } });
    expect((await usage()).data).toEqual(before.data);
    expect(await enedisCalls()).toBe(callsBefore);
    // the same GET from our own pages, or with an API key from anywhere, reads
    expect((await victim.fetch(url, { headers: { "Sec-Fetch-Site": "same-origin" } })).status).toBe(200);
    expect((await call(url, { headers: { ...bearer(secret), "Sec-Fetch-Site": "cross-site" } })).status).toBe(200);
  });
});
