/**
 * Consent cannot be used to spend the gateway's Enedis budget (SECURITY.md property 3): POST /consent and the
 * callback are throttled per account and per IP, and the Enedis calls a callback makes count against the
 * account's daily no-cache quota.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";
import type { Env } from "../../src/env";
import { countRequest } from "../../src/limits/quota";
import { Browser, bearer, call } from "../support/http";
import { consent, flashOf, forgedCallback, noCacheUsed, pdlIdsOf, userIdOf } from "../support/consent";

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM usage_points").run();
});

const THROTTLED = "Trop de tentatives de consentement : aucun point de livraison n'a été ajouté. Réessayez dans quelques minutes.";
const QUOTA = "Votre quota quotidien de requêtes vers Enedis est épuisé : aucun point de livraison n'a été ajouté. Il repart à zéro à minuit UTC.";

/** POST /consent as the dashboard button does; answers where it sends the browser. */
const start = async (b: Browser) => {
  const res = await b.fetch("/consent", { method: "POST" });
  return { status: res.status, location: res.headers.get("Location")! };
};

describe("throttling: 20 consent steps per account and 60 per IP in 15 minutes", () => {
  it("per account: the 21st step goes back to the dashboard with a French message; a throttled callback burns no state", async () => {
    const b = new Browser();
    const account = await b.signup();
    const first = await start(b);
    const state = new URL(first.location).searchParams.get("state")!;
    for (let i = 2; i <= 20; i++) expect((await start(b)).status, `step ${i}`).toBe(302);
    const refused = await start(b);
    expect(refused).toEqual({ status: 303, location: "/dashboard?consent=throttled" });
    expect(flashOf(await (await b.fetch(refused.location)).text())).toBe(THROTTLED);

    // The callback counts too: refused before its state is even read.
    const callback = await b.fetch(`/oauth/callback?autorisation_id=1&state=${encodeURIComponent(state)}`);
    expect(callback.headers.get("Location")).toBe("/dashboard?consent=throttled");
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM consent_states WHERE nonce = ?").bind(state.split(".")[1]).first<{ n: number }>();
    expect(left?.n).toBe(1);

    // Another browser of the same account is throttled too (per account, not per session).
    const other = new Browser();
    expect((await other.form("/login", { email: account.email, password: account.password })).status).toBe(303);
    expect((await start(other)).location).toBe("/dashboard?consent=throttled");
  });

  it("per IP: accounts behind one address share 60 steps; callbacks without a session count too", async () => {
    const ip = "203.0.113.77";
    const browsers = [new Browser(), new Browser(), new Browser()];
    for (const b of browsers) {
      b.ip = ip;
      await b.signup();
    }
    for (let i = 0; i < 20; i++) expect((await start(browsers[0])).status).toBe(302);
    for (let i = 0; i < 20; i++) expect((await start(browsers[1])).status).toBe(302);
    for (let i = 0; i < 20; i++) expect((await start(browsers[2])).status).toBe(302);
    // Account 3 has used 20 of its own 20 — use a fresh account to show the IP is what refuses now.
    const fourth = new Browser();
    await fourth.signup();
    fourth.ip = ip;
    expect((await start(fourth)).location).toBe("/dashboard?consent=throttled");
    const anonymous = new Browser();
    anonymous.ip = ip;
    expect((await anonymous.fetch("/oauth/callback?autorisation_id=1&state=x.y.z")).headers.get("Location")).toBe("/dashboard?consent=throttled");
    // Another address is not affected.
    const elsewhere = new Browser();
    await elsewhere.signup();
    expect((await start(elsewhere)).status).toBe(302);
  });
});

describe("the Enedis calls of a callback count against the account's no-cache quota", () => {
  const spend = async (clientSecret: string, n: number) => {
    const userId = await userIdOf(clientSecret);
    for (let i = 0; i < n; i++) await countRequest(env as unknown as Env, userId, "no_cache");
  };

  it("a forged callback costs its author: Enedis's refusal of an unknown autorisation_id still counts", async () => {
    const b = new Browser();
    const account = await b.signup();
    const r = await forgedCallback(b, { autorisation_id: "55555555" });
    expect(r.dashboardUrl).toBe("/dashboard?consent=not_attached");
    expect(await noCacheUsed(account.clientSecret)).toBe(1);
  });

  it("quota spent: discovery is refused with a clear message, Enedis is not asked and nothing is attached", async () => {
    const b = new Browser();
    const account = await b.signup();
    const limit = getConfig(env as unknown as Env).dailyLimitNoCache;
    await spend(account.clientSecret, limit);
    const r = await consent(b, "martin");
    expect(r.dashboardUrl).toBe("/dashboard?consent=quota");
    expect(flashOf(r.html)).toBe(QUOTA);
    expect(pdlIdsOf(r.html)).toEqual([]);
    expect(await noCacheUsed(account.clientSecret)).toBe(limit);
  });

  it("quota spent after discovery: the PDLs are attached without their contract summary", async () => {
    const b = new Browser();
    const account = await b.signup();
    const limit = getConfig(env as unknown as Env).dailyLimitNoCache;
    await spend(account.clientSecret, limit - 1); // room for the one discovery page only
    const r = await consent(b, "durand");
    expect(flashOf(r.html)).toBe("Bravo ! 2 points de livraison détectés (2 nouveaux).");
    const list = (await (await call("/api/pdl", { headers: bearer(account.clientSecret) })).json()) as { data: Array<{ subscribed_power: unknown; consent_expires_at: string }> };
    expect(list.data).toHaveLength(2);
    for (const pdl of list.data) {
      expect(pdl.subscribed_power).toBeNull();
      expect(pdl.consent_expires_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(await noCacheUsed(account.clientSecret)).toBe(limit);
  });
});
