/**
 * Usage-point discovery after a consent (enedis/common-endpoints.ts), against a fake EnedisTransport that plays
 * the Enedis answers a tidy simulator may not produce: several pages, DEMANDE services, an empty list right after
 * the redirect, one end date per PRM, refusals of a v1 id.
 */
import { describe, expect, it } from "vitest";
import { withLegacyFallback } from "../../src/enedis/client";
import { confirmUsagePointsV1, discoverUsagePointsV2, EMPTY_LIST_RETRY_DELAYS_MS, MAX_SERVICE_PAGES } from "../../src/enedis/common-endpoints";
import { createDc2026Client } from "../../src/enedis/dc2026";
import type { EnedisTransport } from "../../src/enedis/types";
import { createV5Client } from "../../src/enedis/v5";

const AUTORISATION = "123456789012";
const prm = (n: number) => `091000000000${String(n).padStart(2, "0")}`;

interface Service {
  pointId: string;
  etatCode: string;
  serviceCode: string;
  dateFin: string;
}
const service = (pointId: string, etatCode = "ACTIF", dateFin = "2029-10-01", serviceCode = "ACCES"): Service => ({ pointId, etatCode, serviceCode, dateFin });

/**
 * Enedis's subscribed_services, paged by `pageSize`, `page` numbered from 1 (absent = 1), a page past the end
 * empty. `listings` is what each successive listing sees (the last one repeats): a consent just given shows up late.
 */
function servicesEnedis(listings: Service[][], pageSize = 10) {
  const requests: Array<{ page: number; body: Record<string, unknown> }> = [];
  let listing = 0;
  const transport: EnedisTransport = async (api, path, init = {}) => {
    expect(api).toBe("subscribed_services");
    expect(path).toBe("/subscribed_services/v1");
    expect(init.method).toBe("POST");
    const body = JSON.parse(init.body as string) as Record<string, unknown>;
    const page = (body.page as number | undefined) ?? 1;
    if (page === 1 && requests.length > 0) listing = Math.min(listing + 1, listings.length - 1);
    requests.push({ page, body });
    const all = listings[listing];
    const serviceSouscrit = all.slice((page - 1) * pageSize, page * pageSize);
    return Response.json({ nbTotalServices: all.length, serviceSouscrit });
  };
  return { transport, requests };
}

const noWait = () => {
  const slept: number[] = [];
  return { slept, sleep: async (ms: number) => void slept.push(ms) };
};

describe("v2 discovery: POST /subscribed_services/v1", () => {
  it("reads every page (12 PRMs over 2 pages of 10) and asks no page past the total", async () => {
    const services = Array.from({ length: 12 }, (_, i) => service(prm(i + 1)));
    const { transport, requests } = servicesEnedis([services]);
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [] });
    expect(requests.map((r) => r.page)).toEqual([1, 2]);
    expect(requests[0].body).toEqual({ autorisationId: 123456789012, comptage: false, page: 1 });
    expect(found.usagePoints.map((p) => p.usagePointId)).toEqual(Array.from({ length: 12 }, (_, i) => prm(i + 1)));
  });

  it("sends autorisationId as an int64 JSON number, digit for digit", async () => {
    const { transport } = servicesEnedis([[service(prm(1))]]);
    const bodies: string[] = [];
    await discoverUsagePointsV2(async (api, path, init) => (bodies.push(init!.body as string), transport(api, path, init)), "tok", "9007199254740993", { retryDelaysMs: [] });
    expect(bodies[0]).toBe('{"autorisationId":9007199254740993,"comptage":false,"page":1}');
  });

  it("stops at an empty page even when nbTotalServices promised more", async () => {
    const pages: Record<number, Service[]> = { 1: Array.from({ length: 10 }, (_, i) => service(prm(i + 1))), 2: [] };
    const asked: number[] = [];
    const transport: EnedisTransport = async (_api, _path, init) => {
      const page = JSON.parse(init!.body as string).page as number;
      asked.push(page);
      return Response.json({ nbTotalServices: 25, serviceSouscrit: pages[page] ?? [] });
    };
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [] });
    expect(asked).toEqual([1, 2]);
    expect(found.usagePoints).toHaveLength(10);
  });

  it("reads at most MAX_SERVICE_PAGES pages, whatever Enedis claims", async () => {
    let asked = 0;
    const transport: EnedisTransport = async (_api, _path, init) => {
      const page = JSON.parse(init!.body as string).page as number;
      asked++;
      // A page that never ends: the same service again and again, and a huge total.
      return Response.json({ nbTotalServices: 1_000_000, serviceSouscrit: [service(prm(page % 50))] });
    };
    await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [] });
    expect(asked).toBe(MAX_SERVICE_PAGES);
    expect(MAX_SERVICE_PAGES).toBe(20);
    asked = 0;
    await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [], maxPages: 3 });
    expect(asked).toBe(3);
  });

  it("keeps ACCES services ACTIF or DEMANDE; drops TERMINE, SUPPRIME, other services and bad ids", async () => {
    const { transport } = servicesEnedis([
      [
        service(prm(1), "ACTIF"),
        service(prm(2), "DEMANDE"),
        service(prm(3), "TERMINE"),
        service(prm(4), "SUPPRIME"),
        service(prm(5), "ACTIF", "2029-10-01", "CCDC"),
        service("1234", "ACTIF"),
        { pointId: prm(6), etatCode: "ACTIF", serviceType: "ACCES", dateFin: "2029-01-01" } as unknown as Service,
      ],
    ]);
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [] });
    expect(found.usagePoints).toEqual([
      { usagePointId: prm(1), consentStatus: "ACTIF", consentExpiresAt: "2029-10-01" },
      { usagePointId: prm(2), consentStatus: "DEMANDE", consentExpiresAt: "2029-10-01" },
      { usagePointId: prm(6), consentStatus: "ACTIF", consentExpiresAt: "2029-01-01" },
    ]);
  });

  it("gives each PRM its OWN end date (its latest service's), not the authorisation's earliest", async () => {
    const { transport } = servicesEnedis([
      [
        service(prm(1), "ACTIF", "2027-03-01"),
        service(prm(2), "DEMANDE", "2029-11-30"),
        service(prm(1), "DEMANDE", "2029-06-15"),
        service(prm(3), "ACTIF", "not a date"),
        service(prm(1), "TERMINE", "2030-01-01"), // dropped: never the end of a consent that still gives access
      ],
    ]);
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [] });
    expect(found.usagePoints).toEqual([
      { usagePointId: prm(1), consentStatus: "ACTIF", consentExpiresAt: "2029-06-15" },
      { usagePointId: prm(2), consentStatus: "DEMANDE", consentExpiresAt: "2029-11-30" },
      { usagePointId: prm(3), consentStatus: "ACTIF" },
    ]);
  });

  it("asks an empty list again after each pause, and stops as soon as the services appear", async () => {
    const { transport, requests } = servicesEnedis([[], [], [service(prm(1), "DEMANDE"), service(prm(2), "DEMANDE")]]);
    const { slept, sleep } = noWait();
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { retryDelaysMs: [5, 10, 20, 30], sleep });
    expect(slept).toEqual([5, 10]);
    expect(requests.map((r) => r.page)).toEqual([1, 1, 1]);
    expect(found.usagePoints.map((p) => [p.usagePointId, p.consentStatus])).toEqual([
      [prm(1), "DEMANDE"],
      [prm(2), "DEMANDE"],
    ]);
  });

  it("answers no PDL once every pause was tried; the default pauses total 6.5 s", async () => {
    const { transport, requests } = servicesEnedis([[]]);
    const { slept, sleep } = noWait();
    const found = await discoverUsagePointsV2(transport, "tok", AUTORISATION, { sleep });
    expect(found.usagePoints).toEqual([]);
    expect(slept).toEqual([...EMPTY_LIST_RETRY_DELAYS_MS]);
    expect(EMPTY_LIST_RETRY_DELAYS_MS).toEqual([500, 1000, 2000, 3000]);
    expect(requests).toHaveLength(1 + EMPTY_LIST_RETRY_DELAYS_MS.length);
  });

  it("does not ask again a list that has services, even when none gives access", async () => {
    const { transport, requests } = servicesEnedis([[service(prm(1), "TERMINE")]]);
    const { slept, sleep } = noWait();
    expect((await discoverUsagePointsV2(transport, "tok", AUTORISATION, { sleep })).usagePoints).toEqual([]);
    expect(slept).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("an answer without serviceSouscrit is an empty list; a refusal is Enedis's error", async () => {
    const empty: EnedisTransport = async () => Response.json({ nbTotalServices: 0 });
    expect((await discoverUsagePointsV2(empty, "tok", AUTORISATION, { retryDelaysMs: [] })).usagePoints).toEqual([]);
    const refused: EnedisTransport = async () => Response.json({ code: "403", message: "Le client n'est pas autorisé pour le point demandé" }, { status: 403 });
    await expect(discoverUsagePointsV2(refused, "tok", AUTORISATION, { retryDelaysMs: [] })).rejects.toMatchObject({ code: "CONSENT_REQUIRED" });
    await expect(discoverUsagePointsV2(empty, "tok", "12; DROP")).rejects.toMatchObject({ status: 400 });
  });
});

describe("v1 discovery", () => {
  /** 2026 contract API: answers for `consented` PRMs, 403 for the others. */
  function contractsEnedis(consented: string[], failWith?: number) {
    const paths: string[] = [];
    const transport: EnedisTransport = async (_api, path) => {
      paths.push(path);
      if (failWith) return new Response("Service Unavailable", { status: failWith });
      if (path.startsWith("/customers_upc/v5/usage_points")) {
        return Response.json({ customer: { customer_id: "1", usage_points: consented.map((id) => ({ usage_point: { usage_point_id: id } })) } });
      }
      const id = /^\/situation_contrat_auto\/v1\/(\d{14})$/.exec(path)?.[1];
      if (id && consented.includes(id)) return Response.json([{ contract: "Contrat GRD-F" }]);
      return Response.json({ code: "ADAM-DC-0008", message: "No consent can be found for this customer and this usage point." }, { status: 403 });
    };
    return { transport, paths };
  }

  it("on 2026 (v5 switched off), confirms each redirect id with GET /situation_contrat_auto/v1/{prm}", async () => {
    const { transport, paths } = contractsEnedis([prm(1), prm(2)]);
    const found = await confirmUsagePointsV1(transport, "tok", [prm(1), prm(2), prm(1)]);
    expect(paths).toEqual([`/situation_contrat_auto/v1/${prm(1)}`, `/situation_contrat_auto/v1/${prm(2)}`]);
    expect(found.usagePoints).toEqual([{ usagePointId: prm(1) }, { usagePointId: prm(2) }]);
    // The adapter of ENEDIS_API_MODE=new does exactly that.
    expect((await createDc2026Client(transport, { clientId: "a", clientSecret: "b" }).usagePointsForV1("tok", [prm(2)])).usagePoints).toEqual([{ usagePointId: prm(2) }]);
  });

  it("a PRM Enedis refuses fails the whole answer, and nothing after it is asked", async () => {
    const { transport, paths } = contractsEnedis([prm(1), prm(3)]);
    await expect(confirmUsagePointsV1(transport, "tok", [prm(1), prm(2), prm(3)])).rejects.toMatchObject({ code: "CONSENT_REQUIRED" });
    expect(paths).toEqual([`/situation_contrat_auto/v1/${prm(1)}`, `/situation_contrat_auto/v1/${prm(2)}`]);
    await expect(confirmUsagePointsV1(transport, "tok", ["0910000000000"])).rejects.toMatchObject({ code: "INVALID_USAGE_POINT_ID" });
  });

  it("legacy lists the customer's points with /customers_upc/v5/usage_points", async () => {
    const { transport, paths } = contractsEnedis([prm(1), prm(2)]);
    const found = await createV5Client(transport, { clientId: "a", clientSecret: "b" }).usagePointsForV1("tok", [prm(1)]);
    expect(paths).toEqual([`/customers_upc/v5/usage_points?usage_point_id=${prm(1)}`]);
    expect(found.usagePoints.map((p) => p.usagePointId)).toEqual([prm(1), prm(2)]);
  });

  it("auto asks v5 when the 2026 contract API fails as an API, never when Enedis refused the PRM", async () => {
    const credentials = { clientId: "a", clientSecret: "b" };
    const down = contractsEnedis([], 503);
    const v5 = contractsEnedis([prm(1), prm(2)]);
    const auto = withLegacyFallback(createDc2026Client(down.transport, credentials), createV5Client(v5.transport, credentials));
    expect((await auto.usagePointsForV1("tok", [prm(1)])).usagePoints.map((p) => p.usagePointId)).toEqual([prm(1), prm(2)]);
    expect(v5.paths).toEqual([`/customers_upc/v5/usage_points?usage_point_id=${prm(1)}`]);

    const refusing = contractsEnedis([]);
    const v5Again = contractsEnedis([prm(1)]);
    const strict = withLegacyFallback(createDc2026Client(refusing.transport, credentials), createV5Client(v5Again.transport, credentials));
    await expect(strict.usagePointsForV1("tok", [prm(1)])).rejects.toMatchObject({ code: "CONSENT_REQUIRED" });
    expect(v5Again.paths).toEqual([]);
  });
});
