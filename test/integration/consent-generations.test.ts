/**
 * The callback takes only the configured consent generation's answer (API.md ENEDIS_AUTHORIZE_VERSION,
 * SECURITY.md property 3), and v1 (legacy, opt-in) discovers per ENEDIS_API_MODE. v2 is the test worker's default;
 * v1 gateways are the same worker code and storage with other settings (BrowserOn).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Browser } from "../support/http";
import { BrowserOn, consent, flashOf, forgedCallback, noCacheUsed, pdlIdsOf } from "../support/consent";

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM usage_points").run();
});

const attachedCount = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM usage_points").first<{ n: number }>())!.n;
const stateLeft = async (state: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM consent_states WHERE nonce = ?").bind(state.split(".")[1]).first<{ n: number }>())!.n;

describe("v2 gateway (the default)", () => {
  it("a v1-shaped answer with a valid state attaches nothing, and the state is burnt", async () => {
    // martin's PDL has a live consent of the application at Enedis: a v1 gateway would find it confirmed.
    const victim = new Browser();
    await victim.signup();
    await consent(victim, "martin");
    await env.DB.prepare("DELETE FROM usage_points").run();

    const b = new Browser();
    await b.signup();
    const r = await forgedCallback(b, { code: "anything", usage_point_id: "09100000000001" });
    expect(r.dashboardUrl).toBe("/dashboard?consent=malformed");
    expect(flashOf(r.html)).toBe(
      "La réponse d'Enedis est incomplète ou ne correspond pas au consentement demandé : aucun point de livraison n'a été ajouté. Relancez le consentement.",
    );
    expect(await attachedCount()).toBe(0);
    expect(await stateLeft(r.state)).toBe(0);
  });

  it("an Enedis error other than access_denied is shown as an Enedis problem, not as a refusal", async () => {
    const b = new Browser();
    await b.signup();
    for (const error of ["server_error", "temporarily_unavailable", "invalid_request"]) {
      const r = await forgedCallback(b, { error });
      expect(r.dashboardUrl).toBe("/dashboard?consent=enedis");
      expect(flashOf(r.html)).toBe("Enedis n'a pas pu répondre : aucun point de livraison n'a été ajouté et rien n'a été perdu. Réessayez dans quelques minutes.");
    }
    const refusal = await forgedCallback(b, { error: "access_denied" });
    expect(refusal.dashboardUrl).toBe("/dashboard?consent=refused");
    expect(flashOf(refusal.html)).toBe("Vous avez refusé le consentement sur le site d'Enedis : aucun point de livraison n'a été ajouté.");
  });
});

describe("v1 gateway (ENEDIS_AUTHORIZE_VERSION=v1, legacy opt-in)", () => {
  it("sends the household to the v1 consent page and refuses a genuine v2 answer", async () => {
    const b = new BrowserOn({ ENEDIS_AUTHORIZE_VERSION: "v1" });
    await b.signup();
    const start = await b.fetch("/consent", { method: "POST" });
    const v1Page = new URL(start.headers.get("Location")!);
    expect(v1Page.pathname).toBe("/simulator/dataconnect/v1/oauth2/authorize");
    // The household consents on the v2 page instead: Enedis's answer is genuine, with this session's state.
    const answer = await b.form(v1Page.pathname.replace("/v1/", "/v2/"), { ...Object.fromEntries(v1Page.searchParams), household: "durand", decision: "accept" });
    const callback = new URL(answer.headers.get("Location")!);
    expect(callback.searchParams.get("autorisation_id")).toMatch(/^\d+$/);
    const { url } = await b.follow(await b.fetch(callback.pathname + callback.search));
    expect(url).toBe("/dashboard?consent=malformed");
    expect(await attachedCount()).toBe(0);
  });

  it("ENEDIS_API_MODE=new: each redirect id is confirmed on 2026 before it is attached, one no-cache request each", async () => {
    const b = new BrowserOn({ ENEDIS_AUTHORIZE_VERSION: "v1", ENEDIS_API_MODE: "new" });
    const account = await b.signup();
    const r = await consent(b, "durand");
    expect(r.callback.searchParams.get("usage_point_id")).toBe("09200000000001,09200000000002");
    expect(flashOf(r.html)).toBe("Bravo ! 2 points de livraison détectés (2 nouveaux).");
    expect(pdlIdsOf(r.html).sort()).toEqual(["09200000000001", "09200000000002"]);
    // 2 confirmations + 2 contract summaries
    expect(await noCacheUsed(account.clientSecret)).toBe(4);
    const records = await env.DB.prepare("SELECT consent_expires_at AS e, consent_status AS s FROM usage_points").all<{ e: string; s: string | null }>();
    for (const row of records.results) {
      expect(row.s).toBeNull();
      expect(row.e).toMatch(/^\d{4}-\d{2}-\d{2}$/); // one format for every generation: a day, like Enedis's dateFin
      expect(Date.parse(row.e)).toBeGreaterThan(Date.now() + 1000 * 24 * 3600 * 365 * 2.9);
    }
  });

  it("ENEDIS_API_MODE=new: an id Enedis refuses makes the whole callback attach nothing, with the not-attached message", async () => {
    const b = new BrowserOn({ ENEDIS_AUTHORIZE_VERSION: "v1", ENEDIS_API_MODE: "new" });
    const account = await b.signup();
    const [own] = (await consent(b, "leroy")).callback.searchParams.get("usage_point_id")!.split(",");
    await env.DB.prepare("DELETE FROM usage_points").run();
    // Its own consented PDL plus an invented one nobody consented: Enedis refuses the second, nothing is attached.
    const forged = await forgedCallback(b, { code: "x", usage_point_id: `${own},09999999999999` });
    expect(forged.dashboardUrl).toBe("/dashboard?consent=not_attached");
    expect(await attachedCount()).toBe(0);
    // A household that left its PDL (Enedis: not the holder) is refused the same way.
    const movedOut = await consent(b, "bernard");
    expect(movedOut.dashboardUrl).toBe("/dashboard?consent=not_attached");
    expect(await attachedCount()).toBe(0);
    expect(await noCacheUsed(account.clientSecret)).toBeGreaterThan(0);
  });

  it("ENEDIS_API_MODE=legacy: every usage point of the customer from /customers_upc/v5/usage_points", async () => {
    const b = new BrowserOn({ ENEDIS_AUTHORIZE_VERSION: "v1", ENEDIS_API_MODE: "legacy" });
    const account = await b.signup();
    const r = await consent(b, "durand");
    expect(flashOf(r.html)).toBe("Bravo ! 2 points de livraison détectés (2 nouveaux).");
    // one listing + 2 contract summaries
    expect(await noCacheUsed(account.clientSecret)).toBe(3);
  });
});
