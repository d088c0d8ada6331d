import { beforeAll, describe, expect, it } from "vitest";
import { halfHoursOfParisDay } from "../../src/simulator/calendar";
import dailyFixture from "../fixtures/enedis/mesure_consommation_quotidienne.json";
import curveFixture from "../fixtures/enedis/mesure_courbe_de_charge_consommation.json";
import prodCurveFixture from "../fixtures/enedis/mesure_courbe_de_charge_production.json";
import maxFixture from "../fixtures/enedis/mesure_puissance_conso_max_quotidienne.json";
import situationSelfFixture from "../fixtures/enedis/situation_contrat_autoconsommation.json";
import synthSelfFixture from "../fixtures/enedis/synth_contrat_autoconsommation.json";
import generalFixture from "../fixtures/enedis/donnees_generales.json";
import { bearer, daysAgo, getToken, giveConsent, paced, sim } from "./simulator-helpers";

type Mesure = { idPrm: string; periode: { dateDebut: string; dateFin: string }; grandeur: Array<{ grandeurMetier: string; unite: string; points: Array<Record<string, string>> }> };

let token: string;
let autorisationId: string;
const get = (path: string) => paced(path, bearer(token));
const json = async <T = Record<string, unknown>>(res: Response) => (await res.json()) as T;
const keys = (o: unknown) => Object.keys(o as object).sort();
const mesure = (resource: string, pointId: string, dateDebut: string, dateFin: string, extra = "") =>
  get(`/mesure_synchrone_auto/v2/${resource}?pointId=${pointId}&dateDebut=${dateDebut}&dateFin=${dateFin}${extra}`);
const subscribed = (body: unknown) =>
  paced("/subscribed_services/v1", { method: "POST", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });

beforeAll(async () => {
  autorisationId = (await giveConsent("v2", "petit")).searchParams.get("autorisation_id")!;
  for (const household of ["martin", "leroy", "bernard"]) await giveConsent("v2", household);
  token = await getToken();
});

describe("v2 consent discovery (POST /subscribed_services/v1)", () => {
  it("resolves an autorisation_id to ACTIF ACCES services with the PRM and dates", async () => {
    const res = await subscribed({ autorisationId: Number(autorisationId), comptage: false });
    expect(res.status).toBe(200);
    const body = await json<{ nbTotalServices: number; serviceSouscrit: Array<Record<string, unknown>> }>(res);
    expect(body.nbTotalServices).toBe(1);
    expect(body.serviceSouscrit[0]).toMatchObject({ pointId: "09300000000001", etatCode: "ACTIF", serviceCode: "ACCES", soutirage: true, injection: true });
    expect(body.serviceSouscrit[0].dateDebut).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.serviceSouscrit[0].dateFin! > body.serviceSouscrit[0].dateDebut!).toBe(true);
    expect((body.serviceSouscrit[0].autorisation as { autorisationId: number }).autorisationId).toBe(Number(autorisationId));
  });

  it("counts only with comptage: true, and refuses unknown autorisations and malformed bodies", async () => {
    expect(await json(await subscribed({ autorisationId, comptage: true }))).toEqual({ nbTotalServices: 1 });
    const unknown = await subscribed({ autorisationId: 999999999999, comptage: false });
    expect(unknown.status).toBe(403);
    expect(keys(await json(unknown))).toEqual(["code", "message"]);
    expect((await subscribed({ autorisationId })).status).toBe(500); // comptage is required by the swagger
  });
});

describe("2026 measurements: shapes exactly like the fixtures", () => {
  it("daily consumption", async () => {
    const res = await mesure("consommation_quotidienne", "09300000000001", daysAgo(4), daysAgo(2));
    expect(res.status).toBe(200);
    const body = await json<Mesure>(res);
    expect(keys(body)).toEqual(keys(dailyFixture));
    expect(keys(body.grandeur[0])).toEqual(keys(dailyFixture.grandeur[0]));
    expect(keys(body.grandeur[0].points[0])).toEqual(keys(dailyFixture.grandeur[0].points[0]));
    expect(body).toMatchObject({ idPrm: "09300000000001", etapeMetier: "BRUT", periode: { dateDebut: daysAgo(4), dateFin: daysAgo(2) }, pas: "P1D" });
    expect(body.grandeur[0]).toMatchObject({ grandeurMetier: "CONS", grandeurPhysique: "EA", unite: "Wh" });
    expect(body.grandeur[0].points.map((p) => p.d)).toEqual([daysAgo(4), daysAgo(3)]);
  });

  it("consumption and production load curves", async () => {
    for (const [resource, fixture, metier] of [
      ["courbe_de_charge_consommation", curveFixture, "CONS"],
      ["courbe_de_charge_production", prodCurveFixture, "PROD"],
    ] as const) {
      const res = await mesure(resource, "09300000000001", daysAgo(3), daysAgo(2));
      expect(res.status).toBe(200);
      const body = await json<Mesure>(res);
      expect(keys(body)).toEqual(keys(fixture));
      expect(keys(body.grandeur[0])).toEqual(keys(fixture.grandeur[0]));
      expect(keys(body.grandeur[0].points[0])).toEqual(keys(fixture.grandeur[0].points[0]));
      expect(body.grandeur[0]).toMatchObject({ grandeurMetier: metier, grandeurPhysique: "PA", unite: "W" });
      const points = body.grandeur[0].points;
      expect(points).toHaveLength(halfHoursOfParisDay(daysAgo(3)).length);
      expect(points[0]).toMatchObject({ d: `${daysAgo(3)} 00:30:00`, p: "PT30M", n: "B" });
      expect(points.at(-1)!.d).toBe(`${daysAgo(2)} 00:00:00`);
    }
  });

  it("daily max power needs mesuresPas and grandeurPhysique (500 without, like Enedis)", async () => {
    expect((await mesure("puissance_conso_max_quotidienne", "09100000000001", daysAgo(4), daysAgo(2))).status).toBe(500);
    const res = await mesure("puissance_conso_max_quotidienne", "09100000000001", daysAgo(4), daysAgo(2), "&mesuresPas=P1D&grandeurPhysique=PMA");
    expect(res.status).toBe(200);
    const body = await json<Mesure>(res);
    expect(keys(body)).toEqual(keys(maxFixture));
    expect(body.grandeur[0]).toMatchObject({ grandeurMetier: "CONS", unite: "VA" });
    expect(body.grandeur[0].points[0].d).toMatch(new RegExp(`^${daysAgo(4)} \\d{2}:\\d{2}:\\d{2}$`));
  });

  it("daily production", async () => {
    const body = await json<Mesure>(await mesure("production_quotidienne", "09300000000001", daysAgo(4), daysAgo(2)));
    expect(body.grandeur[0]).toMatchObject({ grandeurMetier: "PROD", unite: "Wh" });
  });
});

describe("2026 contract APIs (PRM in the path)", () => {
  it("situation_contrat_auto: a self-consumer has GRD-F C5 and GRD-A P4 contracts, shaped like the fixture", async () => {
    const res = await get("/situation_contrat_auto/v1/09300000000001");
    expect(res.status).toBe(200);
    const list = await json<Array<Record<string, unknown>>>(res);
    expect(list.map((c) => [c.contract_type, c.segment])).toEqual([
      ["Contrat GRD-F", "C5"],
      ["Contrat GRD-A", "P4"],
    ]);
    expect(keys(list[0])).toEqual(keys(situationSelfFixture[0]));
    expect(keys(list[1])).toEqual(keys(situationSelfFixture[1]));
    expect(list[0].subscribed_power).toEqual({ unit: "kVA", value: "9" });
    expect(list[0].contract_start).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00\+0[12]00$/);
  });

  it("a consumer has one contract; synth, comptage and donnees_generales answer their shapes", async () => {
    const list = await json<unknown[]>(await get("/situation_contrat_auto/v1/09100000000001"));
    expect(list).toHaveLength(1);
    const synth = await json(await get("/synth_contrat_auto/v1/09300000000001"));
    expect(keys(synth)).toEqual(keys(synthSelfFixture));
    const comptage = await json<{ relais: { plageHeuresCreuses?: string } }>(await get("/comptage_auto/v1/09100000000001"));
    expect(comptage.relais.plageHeuresCreuses).toBe("HC (22H30-6H30)");
    const general = await json<{ address: Record<string, string> }>(await get("/donnees_generales_auto/v1/09100000000001"));
    expect(keys(general.address)).toEqual(keys(generalFixture.address));
    expect(general.address.postal_code_city).toBe("69003 LYON");
  });

  it("answers 500 when the PRM is sent as a query parameter", async () => {
    const res = await get("/situation_contrat_auto/v1?usage_point_id=09100000000001");
    expect(res.status).toBe(500);
    expect(keys(await json(res))).toEqual(["code", "message"]);
  });
});

describe("2026 rules and failures, {code, message} bodies", () => {
  const expectError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.code).toBe(code);
    expect(typeof body.message).toBe("string");
  };

  it("500 on a request that does not match the swagger (missing parameter)", async () => {
    expect((await get(`/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=09100000000001&dateDebut=${daysAgo(3)}`)).status).toBe(500);
  });

  it("400 on bad ids and dates", async () => {
    expect((await mesure("consommation_quotidienne", "0910000000000", daysAgo(3), daysAgo(2))).status).toBe(400);
    expect((await mesure("consommation_quotidienne", "09100000000001", daysAgo(2), daysAgo(2))).status).toBe(400);
    expect((await mesure("consommation_quotidienne", "09100000000001", daysAgo(2), daysAgo(-1))).status).toBe(400);
    expect((await get("/comptage_auto/v1/123")).status).toBe(400);
  });

  it("ADAM-ERR0126 over 7 days of load curve, ADAM-ERR0125 before the history limit, ADAM-ERR0069 on the wrong direction", async () => {
    await expectError(await mesure("courbe_de_charge_consommation", "09100000000001", daysAgo(10), daysAgo(2)), 400, "ADAM-ERR0126");
    await expectError(await mesure("consommation_quotidienne", "09100000000001", daysAgo(3 * 366 + 20), daysAgo(3 * 366 + 10)), 400, "ADAM-ERR0125");
    await expectError(await mesure("production_quotidienne", "09100000000001", daysAgo(3), daysAgo(2)), 400, "ADAM-ERR0069");
  });

  it("404 no_data_found on a load curve that is not activated; 403 ADAM-DC-0007 / ADAM-DC-0008", async () => {
    await expectError(await mesure("courbe_de_charge_consommation", "09400000000001", daysAgo(3), daysAgo(2)), 404, "no_data_found");
    await expectError(await mesure("consommation_quotidienne", "09500000000001", daysAgo(3), daysAgo(2)), 403, "ADAM-DC-0007");
    await expectError(await get("/situation_contrat_auto/v1/09200000000001"), 403, "ADAM-DC-0008");
  });

  it("revoking the consent ends data access and marks the services TERMINE", async () => {
    await sim("/_control/revoke", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ usage_point_id: "09300000000001" }) });
    await expectError(await mesure("consommation_quotidienne", "09300000000001", daysAgo(3), daysAgo(2)), 403, "ADAM-DC-0008");
    expect(await json(await subscribed({ autorisationId, comptage: false }))).toEqual({ nbTotalServices: 0, serviceSouscrit: [] });
    const all = await json<{ serviceSouscrit: Array<{ etatCode: string }> }>(await subscribed({ autorisationId, comptage: false, etatCode: ["TERMINE"] }));
    expect(all.serviceSouscrit.map((s) => s.etatCode)).toEqual(["TERMINE"]);
  });

  it("401 with the WSO2 body without a valid token", async () => {
    const res = await paced(`/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=09100000000001&dateDebut=${daysAgo(3)}&dateFin=${daysAgo(2)}`);
    await expectError(res, 401, "900901");
  });
});
