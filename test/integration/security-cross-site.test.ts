import { beforeAll, describe, expect, it } from "vitest";
import { Browser, bearer, call } from "../support/http";
import { consent } from "../support/consent";

/**
 * SECURITY.md property 5: no GET spends quota or calls Enedis when another site caused it. The PDL details page,
 * opened from another site, shows only the cache and a "Charger le reste" link; from our own page it reads through.
 */
const PDL = "09100000000001";
const PAGE = `/dashboard/pdl/${PDL}`;

const simulatorCalls = async () => ((await (await call("/simulator/_control/stats")).json()) as { total: number }).total;

describe("property 5: a cross-site GET spends nothing", () => {
  let b: Browser;
  let secret: string;
  const usage = async () =>
    ((await (await call("/api/accounts/usage-stats", { headers: bearer(secret) })).json()) as { data: { cached_requests: number; no_cache_requests: number } }).data;
  /** Opens the page as the browser would with this Sec-Fetch-Site; returns the HTML and what it spent. */
  const open = async (site: string | null) => {
    const [quotaBefore, callsBefore] = [await usage(), await simulatorCalls()];
    const res = await b.fetch(PAGE, { headers: site ? { "Sec-Fetch-Site": site } : {} });
    expect(res.status, String(site)).toBe(200);
    const html = await res.text();
    const [quotaAfter, callsAfter] = [await usage(), await simulatorCalls()];
    return {
      html,
      counted: quotaAfter.cached_requests + quotaAfter.no_cache_requests - quotaBefore.cached_requests - quotaBefore.no_cache_requests,
      enedisCalls: callsAfter - callsBefore,
    };
  };

  beforeAll(async () => {
    b = new Browser();
    secret = (await b.signup()).clientSecret;
    await consent(b, "martin");
  });

  it("opened from another site with an empty cache: no quota, no Enedis call, a link that loads the rest", async () => {
    for (const site of ["cross-site", "same-site"]) {
      const { html, counted, enedisCalls } = await open(site);
      expect(counted, site).toBe(0);
      expect(enedisCalls, site).toBe(0);
      expect(html, site).toContain("Charger le reste");
      expect(html, site).toMatch(new RegExp(`<a [^>]*id="load-rest"[^>]*href="${PAGE}"|<a [^>]*href="${PAGE}"[^>]*id="load-rest"`));
      expect(html, site).toContain("Pas encore en cache");
      expect(html, site).not.toMatch(/<svg class="chart"/);
    }
  });

  it("the link followed from our own page reads through the mirror (quota and Enedis), and fills the cache", async () => {
    const { html, counted, enedisCalls } = await open("same-origin");
    expect(counted).toBe(3); // contract, address, daily consumption
    expect(enedisCalls).toBeGreaterThan(0);
    expect(html).not.toContain("Charger le reste");
    expect(html).toMatch(/<svg class="chart"/);
    // a typed URL or bookmark, and a client without Fetch Metadata, are the user's own requests: they read too
    for (const site of ["none", null]) expect((await open(site)).counted, String(site)).toBe(3);
  });

  it("opened from another site once the cache is filled: the cached contract, address and chart, still for free", async () => {
    const full = await open("same-origin");
    const { html, counted, enedisCalls } = await open("cross-site");
    expect(counted).toBe(0);
    expect(enedisCalls).toBe(0);
    expect(html).toContain("Charger le reste");
    expect(html).not.toContain("Pas encore en cache");
    expect(html).toMatch(/<svg class="chart"/);
    // the same contract, address and readings as the full page
    const section = (page: string, id: string) => new RegExp(`<section class="card" id="${id}">[\\s\\S]*?</section>`).exec(page)?.[0];
    for (const id of ["contract", "address"]) expect(section(html, id), id).toBe(section(full.html, id));
    const bars = (page: string) => page.match(/<rect class="bar"[\s\S]*?<\/rect>/g);
    expect(bars(html)).toEqual(bars(full.html));
  });
});
