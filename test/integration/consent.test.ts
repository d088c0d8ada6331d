import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Browser, bearer, call } from "../support/http";
import { consent, flashOf, forgedCallback, noCacheUsed, pdlIdsOf, userIdOf } from "../support/consent";

// The simulator has a handful of households; each test starts with no PDL attached anywhere.
beforeEach(async () => {
  await env.DB.prepare("DELETE FROM usage_points").run();
});

describe("consent journey (v2 by default, simulator)", () => {
  it("detects every PDL of the household, creates them with their contract summary, and says Bravo", async () => {
    const b = new Browser();
    const account = await b.signup();
    const first = await consent(b, "durand");
    expect(first.authorize.pathname).toBe("/simulator/dataconnect/v2/oauth2/authorize");
    expect(first.authorize.searchParams.get("duration")).toBe("P36M");
    expect(first.authorize.searchParams.get("response_type")).toBe("code");
    expect(first.authorize.searchParams.get("client_id")).toBeTruthy();
    const state = first.authorize.searchParams.get("state")!;
    expect(state.length).toBeLessThanOrEqual(100);
    expect(first.dashboardUrl).toMatch(/^\/dashboard\?consent=success/);
    expect(flashOf(first.html)).toBe("Bravo ! 2 points de livraison détectés (2 nouveaux).");
    expect(pdlIdsOf(first.html).sort()).toEqual(["09200000000001", "09200000000002"]);

    const list = (await (await call("/api/pdl", { headers: bearer(account.clientSecret) })).json()) as { data: Array<Record<string, unknown>> };
    expect(list.data).toHaveLength(2);
    for (const pdl of list.data) {
      expect(Number.isInteger(pdl.subscribed_power)).toBe(true); // MyElectricalData's type: integer kVA
      expect(pdl.has_consumption).toBe(true);
      expect(pdl.is_active).toBe(true);
      expect(Date.parse(pdl.consent_expires_at as string)).toBeGreaterThan(Date.now() + 1000 * 24 * 3600 * 365 * 2.9);
    }
    // Each PDL's consent record: its own service's end date (YYYY-MM-DD) and Enedis's state of it.
    const records = await env.DB.prepare("SELECT consent_expires_at AS e, consent_status AS s FROM usage_points ORDER BY usage_point_id").all<{ e: string; s: string }>();
    for (const r of records.results) expect(r).toEqual({ e: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), s: "ACTIF" });
    // One application token serves the gateway: no token record per PDL any more.
    expect((await env.KV.list({ prefix: "tok:" })).keys).toEqual([]);
    const status = (await (await call("/api/pdl/09200000000001/status", { headers: bearer(account.clientSecret) })).json()) as { data: Record<string, unknown> };
    expect(status.data).toMatchObject({ consent_valid: true, consent_expires_at: records.results[0].e });
    // The Enedis calls counted against the account: one discovery page + one contract summary per PDL.
    expect(await noCacheUsed(account.clientSecret)).toBe(3);
    // consenting again lists the same PDLs, none new
    const again = await consent(b, "durand");
    expect(flashOf(again.html)).toBe("Bravo ! 2 points de livraison détectés (0 nouveaux).");
    expect(await noCacheUsed(account.clientSecret)).toBe(6);
  });

  it("Détails shows contract, address and a chart; the dashboard then charts it from the cache at no quota cost", async () => {
    const b = new Browser();
    const account = await b.signup();
    expect((await consent(b, "martin")).dashboardUrl).toMatch(/consent=success/);
    const details = await b.fetch("/dashboard/pdl/09100000000001");
    expect(details.status).toBe(200);
    const html = await details.text();
    expect(html).toMatch(/Puissance souscrite<\/dt><dd>\d+ kVA/);
    expect(html).toMatch(/id="address"[\s\S]*\d{5}/);
    expect(html).toContain('<svg class="chart"');
    const usage = async () => ((await (await call("/api/accounts/usage-stats", { headers: bearer(account.clientSecret) })).json()) as { data: { no_cache_requests: number; cached_requests: number } }).data;
    const before = await usage();
    const dashboard = await (await b.fetch("/dashboard")).text();
    expect(dashboard).toMatch(/data-usage-point-id="09100000000001"[\s\S]*<svg class="chart"/);
    expect(await usage()).toEqual(before);
  });

  it("a disabled PDL's Détails page reads nothing from Enedis and spends no quota", async () => {
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "martin");
    const patch = await call("/api/pdl/09100000000001", { method: "PATCH", headers: { ...bearer(account.clientSecret), "Content-Type": "application/json" }, body: JSON.stringify({ is_active: false }) });
    expect(patch.status).toBe(200);
    const usage = async () => ((await (await call("/api/accounts/usage-stats", { headers: bearer(account.clientSecret) })).json()) as { data: unknown }).data;
    const before = await usage();
    const html = await (await b.fetch("/dashboard/pdl/09100000000001")).text();
    expect(html).toMatch(/désactivé/);
    expect(await usage()).toEqual(before);
    const api = await call(`/api/enedis/contract/09100000000001`, { headers: bearer(account.clientSecret) });
    expect(api.status).toBe(409);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("PDL_DISABLED");
  });

  it("marks a self-consumer's PDL as consumption and production", async () => {
    const b = new Browser();
    const account = await b.signup();
    const r = await consent(b, "petit");
    expect(flashOf(r.html)).toBe("Bravo ! 1 points de livraison détectés (1 nouveaux).");
    const pdl = (await (await call("/api/pdl/09300000000001", { headers: bearer(account.clientSecret) })).json()) as { data: Record<string, unknown> };
    expect(pdl.data).toMatchObject({ has_consumption: true, has_production: true });
  });

  it("a refusal attaches nothing and says so in French", async () => {
    const b = new Browser();
    await b.signup();
    const r = await consent(b, "martin", "refuse");
    expect(r.callback.searchParams.get("error")).toBe("access_denied");
    expect(flashOf(r.html)).toMatch(/refusé/);
    expect(pdlIdsOf(r.html)).toEqual([]);
  });
});

describe("consent state (SECURITY.md property 3)", () => {
  it("a replayed callback attaches nothing", async () => {
    const b = new Browser();
    await b.signup();
    const r = await consent(b, "martin");
    expect(flashOf(r.html)).toMatch(/^Bravo/);
    const replay = await b.follow(await b.fetch(r.callback.pathname + r.callback.search));
    expect(replay.url).toBe("/dashboard?consent=used");
    expect(flashOf(await replay.res.text())).toMatch(/déjà été utilisé/);
  });

  it("a forged, tampered or other-session state attaches nothing", async () => {
    const victim = new Browser();
    await victim.signup();
    const start = await victim.fetch("/consent", { method: "POST" });
    const state = new URL(start.headers.get("Location")!).searchParams.get("state")!;
    const [userId, nonce, mac] = state.split(".");

    // an attacker with their own session replays the victim's state with their own PDL
    const attacker = new Browser();
    await attacker.signup();
    const other = await attacker.follow(await attacker.fetch(`/oauth/callback?code=x&state=${encodeURIComponent(state)}&usage_point_id=09100000000001`));
    expect(other.url).toBe("/dashboard?consent=other_session");

    // a tampered MAC or user id is refused before any lookup
    for (const forged of [`${userId}.${nonce}.${mac.slice(0, -2)}AA`, `${crypto.randomUUID()}.${nonce}.${mac}`, "12345", userId]) {
      const r = await victim.follow(await victim.fetch(`/oauth/callback?code=x&state=${encodeURIComponent(forged)}&usage_point_id=09100000000001`));
      expect(r.url).toBe("/dashboard?consent=invalid");
    }
    // no PDL was attached to anyone
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_points WHERE usage_point_id = '09100000000001'").first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("an expired state attaches nothing", async () => {
    const b = new Browser();
    await b.signup();
    const start = await b.fetch("/consent", { method: "POST" });
    const state = new URL(start.headers.get("Location")!).searchParams.get("state")!;
    await env.DB.prepare("UPDATE consent_states SET expires_at_ms = ?").bind(Date.now() - 1).run();
    const r = await b.follow(await b.fetch(`/oauth/callback?code=x&state=${encodeURIComponent(state)}&usage_point_id=09100000000001`));
    expect(r.url).toBe("/dashboard?consent=expired");
  });

  it("a PDL held by another account is never moved, and says exactly what an Enedis refusal says (no oracle)", async () => {
    const owner = new Browser();
    await owner.signup();
    expect(flashOf((await consent(owner, "martin")).html)).toMatch(/^Bravo/);
    const intruder = new Browser();
    await intruder.signup();
    const taken = await consent(intruder, "martin");
    expect(taken.dashboardUrl).toBe("/dashboard?consent=not_attached");
    expect(pdlIdsOf(taken.html)).toEqual([]);
    const holder = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_points WHERE usage_point_id = '09100000000001'").first<{ n: number }>();
    expect(holder?.n).toBe(1);

    // An autorisation_id Enedis does not know (403 from subscribed_services): the very same page.
    const stranger = new Browser();
    await stranger.signup();
    const refused = await forgedCallback(stranger, { autorisation_id: "987654321" });
    expect(refused.dashboardUrl).toBe(taken.dashboardUrl);
    expect(flashOf(refused.html)).toBe(flashOf(taken.html));
    expect(flashOf(refused.html)).toBe(
      "Aucun point de livraison n'a été ajouté : Enedis n'a pas confirmé ce consentement, ou l'un de ses points de livraison ne peut pas être rattaché à ce compte. Vérifiez votre consentement sur le site d'Enedis puis relancez-le.",
    );
  });

  it("when one PDL of the consent is held by another account, none of them is attached", async () => {
    const other = new Browser();
    const otherAccount = await other.signup();
    await env.DB.prepare("INSERT INTO usage_points (usage_point_id, user_id, created_at) VALUES ('09200000000002', ?, '2026-01-01T00:00:00Z')")
      .bind(await userIdOf(otherAccount.clientSecret))
      .run();
    const b = new Browser();
    await b.signup();
    const r = await consent(b, "durand");
    expect(r.dashboardUrl).toBe("/dashboard?consent=not_attached");
    const rows = await env.DB.prepare("SELECT usage_point_id AS id FROM usage_points").all<{ id: string }>();
    expect(rows.results.map((row) => row.id)).toEqual(["09200000000002"]);
  });

  it("POST /consent without a session goes to login; a cross-site POST is refused", async () => {
    const anonymous = new Browser();
    const res = await anonymous.fetch("/consent", { method: "POST" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/login");
    const b = new Browser();
    await b.signup();
    const cross = await b.fetch("/consent", { method: "POST", headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" } });
    expect(cross.status).toBe(403);
  });
});

describe("consent v2 and Enedis failures", () => {
  it("the callback also takes the v2 answer (autorisation_id resolved server-side)", async () => {
    const b = new Browser();
    await b.signup();
    const start = await b.fetch("/consent", { method: "POST" });
    const v1 = new URL(start.headers.get("Location")!);
    const v2Path = v1.pathname.replace("/v1/", "/v2/");
    const answer = await b.form(v2Path, { ...Object.fromEntries(v1.searchParams), household: "durand", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    expect(callback.searchParams.get("autorisation_id")).toBeTruthy();
    expect(callback.searchParams.has("usage_point_id")).toBe(false);
    const { res } = await b.follow(await b.fetch(callback.pathname + callback.search));
    const html = await res.text();
    expect(flashOf(html)).toMatch(/^Bravo ! \d+ points de livraison détectés \(\d+ nouveaux\)\.$/);
    expect(pdlIdsOf(html).length).toBeGreaterThan(0);
  });

  it("Enedis down during the callback: a clear message, nothing attached", async () => {
    const b = new Browser();
    await b.signup();
    await call("/simulator/_control/faults", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ api: "subscribed_services", status: 503, count: 5 }) });
    const r = await consent(b, "martin");
    await call("/simulator/_control/reset", { method: "POST" });
    expect(r.dashboardUrl).toBe("/dashboard?consent=enedis");
    expect(flashOf(r.html)).toMatch(/Enedis n'a pas pu répondre/);
    expect(pdlIdsOf(r.html)).toEqual([]);
  });
});

describe("consent for API clients", () => {
  async function apiConsentLink(secret: string) {
    const res = await call("/api/oauth/authorize", { headers: bearer(secret) });
    const url = new URL(((await res.json()) as { data: { authorize_url: string } }).data.authorize_url);
    expect(url.pathname).toBe("/simulator/dataconnect/v2/oauth2/authorize");
    return url;
  }
  async function complete(browser: Browser, url: URL) {
    const answer = await browser.form(url.pathname, { ...Object.fromEntries(url.searchParams), household: "martin", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    return (await browser.fetch(callback.pathname + callback.search)).headers.get("Location");
  }

  it("GET /api/oauth/authorize gives a single-use consent URL that any browser signed in to the SAME account can complete", async () => {
    const desktop = new Browser();
    const account = await desktop.signup();
    const phone = new Browser(); // another device, signed in to the same account
    expect((await phone.form("/login", { email: account.email, password: account.password })).status).toBe(303);
    const url = await apiConsentLink(account.clientSecret);
    expect(await complete(phone, url)).toBe("/dashboard?consent=success&detected=1&new=1");
    const list = (await (await call("/api/pdl", { headers: bearer(account.clientSecret) })).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(1);
    expect(await complete(phone, url)).toBe("/dashboard?consent=used");
  });

  it("an API consent link sent to someone else attaches nothing (not signed in, or signed in to another account)", async () => {
    const attacker = new Browser();
    const attackerAccount = await attacker.signup();
    const anonymous = new Browser();
    expect(await complete(anonymous, await apiConsentLink(attackerAccount.clientSecret))).toBe("/dashboard?consent=other_session");
    const victim = new Browser();
    await victim.signup();
    expect(await complete(victim, await apiConsentLink(attackerAccount.clientSecret))).toBe("/dashboard?consent=other_session");
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_points").first<{ n: number }>();
    expect(count?.n).toBe(0);
  });
});
