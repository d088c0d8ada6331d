// v2 consent discovery as Enedis really answers it: one stable autorisation_id per holder and application,
// pages of 10 services, and a consent just given that is first unlisted, then DEMANDE, then ACTIF.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findHousehold } from "../../src/simulator/households";
import { bearer, daysAgo, getToken, giveConsent, paced, sim } from "./simulator-helpers";

type Service = { pointId: string; etatCode: string; etatLibelle: string; dateDebut: string; dateFin: string; autorisation: { autorisationId: number } };
type Listing = { nbTotalServices: number; serviceSouscrit?: Service[] };

const GARNIER = findHousehold("garnier")!.usagePoints.map((p) => p.id);
let token: string;

const control = (path: string, body: unknown = {}) =>
  sim(`/_control/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const timing = async (hidden_ms: number, demande_ms: number) => expect((await control("consent-timing", { hidden_ms, demande_ms })).status).toBe(200);
const subscribed = (body: Record<string, unknown>) =>
  paced("/subscribed_services/v1", { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
const listing = async (body: Record<string, unknown>) => {
  const res = await subscribed(body);
  expect(res.status).toBe(200);
  return (await res.json()) as Listing;
};
const daily = (pointId: string) =>
  paced(`/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=${pointId}&dateDebut=${daysAgo(5)}&dateFin=${daysAgo(3)}`, bearer(token));
const consentGarnier = async () => (await giveConsent("v2", "garnier")).searchParams.get("autorisation_id")!;

beforeAll(async () => {
  token = await getToken();
});

beforeEach(async () => {
  expect((await control("reset")).status).toBe(200);
});

describe("autorisation_id: stable per holder and application", () => {
  it("the same household consenting twice gets the same id; a revoked consent given again is live again", async () => {
    const first = await consentGarnier();
    expect(first).toMatch(/^[1-9]\d{11}$/);
    expect(await consentGarnier()).toBe(first);
    expect((await giveConsent("v2", "martin")).searchParams.get("autorisation_id")).not.toBe(first);

    expect(await (await control("revoke", { usage_point_id: GARNIER[0] })).json()).toEqual({ revoked: 1 });
    expect((await daily(GARNIER[0])).status).toBe(403);
    await timing(0, 0);
    expect((await listing({ autorisationId: Number(first), comptage: true })).nbTotalServices).toBe(0);

    expect(await consentGarnier()).toBe(first);
    expect((await daily(GARNIER[0])).status).toBe(200);
    expect((await listing({ autorisationId: Number(first), comptage: true })).nbTotalServices).toBe(12);
  });
});

describe("a 12-PRM consent (garnier): pages of 10", () => {
  let id: number;
  beforeAll(async () => {
    id = Number(await consentGarnier());
  });

  it("page 1 (also when absent) has 10 services, page 2 the last 2, a page past the end none; all with the total", async () => {
    await timing(0, 0);
    const absent = await listing({ autorisationId: id, comptage: false });
    const one = await listing({ autorisationId: id, comptage: false, page: 1 });
    const two = await listing({ autorisationId: id, comptage: false, page: 2 });
    const three = await listing({ autorisationId: id, comptage: false, page: 3 });
    expect(absent).toEqual(one);
    expect(one.nbTotalServices).toBe(12);
    expect(one.serviceSouscrit).toHaveLength(10);
    expect(two).toMatchObject({ nbTotalServices: 12 });
    expect(two.serviceSouscrit).toHaveLength(2);
    expect(three).toEqual({ nbTotalServices: 12, serviceSouscrit: [] });
    const all = [...one.serviceSouscrit!, ...two.serviceSouscrit!];
    // One ACCES service per PRM, each with its own dates and the consent's autorisation.
    expect(all.map((s) => s.pointId)).toEqual(GARNIER);
    for (const s of all) {
      expect(s).toMatchObject({ etatCode: "ACTIF", autorisation: { autorisationId: id } });
      expect(s.dateDebut).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(s.dateFin > s.dateDebut).toBe(true);
    }
    expect(await listing({ autorisationId: id, comptage: true, page: 2 })).toEqual({ nbTotalServices: 12 });
  });

  it("refuses page 0 with 400 invalid_request", async () => {
    const res = await subscribed({ autorisationId: id, comptage: false, page: 0 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("invalid_request");
  });

  it("lists nothing while hidden, then DEMANDE, then ACTIF (timing lever); data calls work all along", async () => {
    await timing(86_400_000, 0);
    expect(await listing({ autorisationId: id, comptage: false })).toEqual({ nbTotalServices: 0, serviceSouscrit: [] });
    expect(await listing({ autorisationId: id, comptage: true })).toEqual({ nbTotalServices: 0 });
    expect((await daily(GARNIER[11])).status).toBe(200);

    await timing(0, 86_400_000);
    const demande = await listing({ autorisationId: id, comptage: false, page: 2 });
    expect(demande.nbTotalServices).toBe(12);
    expect(demande.serviceSouscrit!.map((s) => [s.etatCode, s.etatLibelle])).toEqual([
      ["DEMANDE", "Demandé"],
      ["DEMANDE", "Demandé"],
    ]);
    expect(await listing({ autorisationId: id, comptage: true, etatCode: ["ACTIF"] })).toEqual({ nbTotalServices: 0 });
    expect((await daily(GARNIER[11])).status).toBe(200);

    await timing(0, 0);
    expect(await listing({ autorisationId: id, comptage: true, etatCode: ["ACTIF"] })).toEqual({ nbTotalServices: 12 });
  });

  it("other households are listed ACTIF at once, whatever the timing", async () => {
    await timing(86_400_000, 86_400_000);
    const martin = Number((await giveConsent("v2", "martin")).searchParams.get("autorisation_id"));
    const body = await listing({ autorisationId: martin, comptage: false });
    expect(body.serviceSouscrit!.map((s) => [s.pointId, s.etatCode])).toEqual([["09100000000001", "ACTIF"]]);
  });
});

describe("the timing lever", () => {
  it("defaults to 2 s unlisted and 60 s DEMANDE, is validated, and reset restores the defaults", async () => {
    const levers = async () => ((await (await sim("/_control/levers")).json()) as { consent_timing: unknown }).consent_timing;
    expect(await levers()).toEqual({ hidden_ms: 2000, demande_ms: 60_000 });
    expect(await (await control("consent-timing", { hidden_ms: 0, demande_ms: 500 })).json()).toEqual({ hidden_ms: 0, demande_ms: 500 });
    expect(await levers()).toEqual({ hidden_ms: 0, demande_ms: 500 });
    expect((await control("consent-timing", { hidden_ms: -1, demande_ms: 0 })).status).toBe(400);
    expect((await control("consent-timing", { hidden_ms: 0 })).status).toBe(400);
    await control("reset");
    expect(await levers()).toEqual({ hidden_ms: 2000, demande_ms: 60_000 });
  });
});
