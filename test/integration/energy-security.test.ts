import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser } from "../support/http";
import { barKeys, household, simulatorCalls, textOf, usage } from "./energy-support";

const CROSS_SITE = { "Sec-Fetch-Site": "cross-site" };

describe("energy page: nothing spent from another site, partitioning, consent state", () => {
  let martin: Awaited<ReturnType<typeof household>>;
  beforeAll(async () => {
    martin = await household("martin");
  });

  it("a GET from another site shows only the cache: no Enedis call, no quota; a button loads the rest", async () => {
    const before = { calls: await simulatorCalls(), usage: await usage(martin.browser) };
    // same-site (a sibling subdomain) is another site too, as on the details page
    for (const [path, headers] of [["", CROSS_SITE], ["?period=12m", CROSS_SITE], ["?day=2026-01-15", CROSS_SITE], ["?period=7d", { "Sec-Fetch-Site": "same-site" }]] as const) {
      const res = await martin.energy(path, headers);
      expect(res.status).toBe(200);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      const html = await res.text();
      expect(textOf(html, "cache-only")).toMatch(/ouverte depuis un autre site : seules les données déjà en cache sont affichées/);
      expect(html).toMatch(/id="load-rest"/);
    }
    const csv = await martin.browser.fetch(`/dashboard/pdl/${martin.pdl}/energie/csv?view=period`, { headers: CROSS_SITE });
    expect(csv.status).toBe(200);
    expect(await simulatorCalls()).toBe(before.calls);
    expect(await usage(martin.browser)).toEqual(before.usage);

    // The button is a link to the same page: opened from the page itself, it reads through the mirror.
    const first = await (await martin.energy("", CROSS_SITE)).text();
    const href = /href="([^"]+)" id="load-rest"/.exec(first)![1].replace(/&amp;/g, "&");
    const loaded = await martin.browser.fetch(href, { headers: { "Sec-Fetch-Site": "same-origin" } });
    const html = await loaded.text();
    expect(html).not.toContain('id="cache-only"');
    expect(barKeys(html, "energy-chart")).toHaveLength(30);
    expect(await simulatorCalls()).toBeGreaterThan(before.calls);
    expect((await usage(martin.browser)).no_cache_requests).toBeGreaterThan(before.usage.no_cache_requests);

    // Now cached: the cross-site view shows it at once, still without spending anything.
    const mid = { calls: await simulatorCalls(), usage: await usage(martin.browser) };
    const again = await (await martin.energy("", CROSS_SITE)).text();
    expect(barKeys(again, "energy-chart")).toHaveLength(30);
    expect(textOf(again, "total-consumption")).toBe(textOf(html, "total-consumption"));
    expect(await simulatorCalls()).toBe(mid.calls);
    expect(await usage(martin.browser)).toEqual(mid.usage);
  });

  it("another account's PDL answers like a PDL that does not exist; no session goes to the login page", async () => {
    const stranger = new Browser();
    await stranger.signup();
    const theirs = await stranger.fetch(`/dashboard/pdl/${martin.pdl}/energie`);
    const none = await stranger.fetch(`/dashboard/pdl/99999999999999/energie`);
    expect(theirs.status).toBe(404);
    expect(none.status).toBe(404);
    expect(await theirs.text()).toBe(await none.text());
    expect((await stranger.fetch(`/dashboard/pdl/${martin.pdl}/energie/csv`)).status).toBe(404);
    expect((await stranger.fetch(`/dashboard/pdl/123/energie`)).status).toBe(404);
    const anonymous = await new Browser().fetch(`/dashboard/pdl/${martin.pdl}/energie`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("Location")).toBe("/login");
    expect((await new Browser().fetch(`/dashboard/pdl/${martin.pdl}/energie/csv`)).status).toBe(303);
  });

  it("consent valid until its end date; to renew (with the consent button) after Enedis refused it; last error in French", async () => {
    const valid = await (await martin.energy()).text();
    expect(textOf(valid, "consent")).toMatch(/^Consentement Enedis valide jusqu'au \d{2}\/\d{2}\/\d{4}\.$/);
    expect(valid).not.toContain('id="last-error"');

    await env.DB.prepare("UPDATE usage_points SET last_error = 'CONSENT_REQUIRED' WHERE usage_point_id = ?").bind(martin.pdl).run();
    const renew = await (await martin.energy("", CROSS_SITE)).text();
    expect(textOf(renew, "consent")).toMatch(/Consentement Enedis : à renouveler/);
    expect(renew).toMatch(/<form method="post" action="\/consent" class="consent-renew">/);
    expect(renew).toMatch(/<button type="submit">Consentement Enedis<\/button>/);
    expect(textOf(renew, "last-error")).toBe("Dernière erreur Enedis : Enedis indique que le consentement est absent, révoqué ou expiré : renouvelez-le.");

    await env.DB.prepare("UPDATE usage_points SET last_error = 'OFFPEAK_UNAVAILABLE', consent_expires_at = '2020-01-01T00:00:00.000Z' WHERE usage_point_id = ?").bind(martin.pdl).run();
    const expired = await (await martin.energy("", CROSS_SITE)).text();
    expect(textOf(expired, "consent")).toMatch(/à renouveler \(fin prévue le 01\/01\/2020\)/);
    expect(textOf(expired, "last-error")).toMatch(/heures creuses/);
  });

  it("once the day's quota is used, the page still shows what the cache holds and says why the rest is missing", async () => {
    const me = (await (await martin.browser.fetch("/api/accounts/me")).json()) as { data: { user_id: string } };
    const gate = env.ACCOUNT_GATE.get(env.ACCOUNT_GATE.idFromName(me.data.user_id));
    for (let i = 0; i < 60; i++) await gate.count("no_cache", { noCache: 50, withCache: 1000 }, Date.now());
    const calls = await simulatorCalls();
    const far = addDays(todayInParis(new Date()), -60); // never read: its load curve would need Enedis
    const html = await (await martin.energy(`?period=7d&day=${far}`)).text();
    expect(barKeys(html, "energy-chart")).toHaveLength(7); // cached: still drawn
    expect(textOf(html, "day")).toMatch(/Quota du jour atteint : seules les données déjà en cache sont affichées\. Réessayez après minuit UTC\./);
    expect(html).not.toContain('id="day-chart"');
    expect(await simulatorCalls()).toBe(calls);
  });

  it("a disabled PDL shows its cache only and reads nothing new", async () => {
    await env.DB.prepare("UPDATE usage_points SET is_active = 0 WHERE usage_point_id = ?").bind(martin.pdl).run();
    const before = { calls: await simulatorCalls(), usage: await usage(martin.browser) };
    const html = await (await martin.energy("?period=7d&day=2025-03-10")).text();
    expect(textOf(html, "cache-only")).toMatch(/Point de livraison désactivé/);
    expect(barKeys(html, "energy-chart")).toHaveLength(7); // cached by the earlier reads
    expect(await simulatorCalls()).toBe(before.calls);
    expect(await usage(martin.browser)).toEqual(before.usage);
  });
});
