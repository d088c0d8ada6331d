// Levers that make the simulator fail like production: each real error-body shape, and a PRM stuck on 500 technical_error.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { addDays, addMonths } from "../../src/simulator/calendar";
import { bearer, daysAgo, direct, getToken, giveConsent, paced, sim, today } from "./simulator-helpers";

const MARTIN = "09100000000001";
const DURAND = "09200000000001";
let token: string;

const control = (path: string, body: unknown = {}) =>
  sim(`/_control/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const get = (path: string) => paced(path, bearer(token));
const daily2026 = (pointId: string, start = daysAgo(4), end = daysAgo(2)) =>
  get(`/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=${pointId}&dateDebut=${start}&dateFin=${end}`);
const dailyV5 = (id: string) => get(`/metering_data_dc/v5/daily_consumption?usage_point_id=${id}&start=${daysAgo(4)}&end=${daysAgo(2)}`);
const levers = async () => (await (await sim("/_control/levers")).json()) as { error_shape: string; technical_errors: Record<string, unknown> };

beforeAll(async () => {
  for (const household of ["martin", "durand", "leroy", "bernard", "lambert"]) await giveConsent("v2", household);
  token = await getToken();
});

beforeEach(async () => {
  expect((await control("reset")).status).toBe(200);
});

describe("error-shape lever", () => {
  const NO_CONSENT = { code: "ADAM-DC-0008", message: "Le client n'est pas autorisé pour le point demandé" };
  const cases: Array<[string, unknown]> = [
    ["default", NO_CONSENT],
    ["code_message", NO_CONSENT],
    ["error_description", { error: NO_CONSENT.code, error_description: NO_CONSENT.message }],
    ["array", [NO_CONSENT]],
    ["libelle", { code: NO_CONSENT.code, libelle: NO_CONSENT.message }],
    ["fault", { fault: { code: NO_CONSENT.code, message: NO_CONSENT.message, description: NO_CONSENT.message } }],
  ];
  for (const [shape, expected] of cases) {
    it(`"${shape}": a 2026 business error keeps its status and code in that shape`, async () => {
      expect(await (await control("error-shape", { shape })).json()).toEqual({ shape });
      const res = await daily2026("09300000000001"); // petit never consented here
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual(expected);
    });
  }

  it("applies to every business error (not holder, no data, before activation, bad request, swagger mismatch)", async () => {
    await control("error-shape", { shape: "array" });
    const expectArray = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as Array<{ code: string; message: string }>;
      expect(Array.isArray(body)).toBe(true);
      expect(body[0].code).toBe(code);
      expect(typeof body[0].message).toBe("string");
    };
    await expectArray(await daily2026("09500000000001"), 403, "ADAM-DC-0007");
    await expectArray(await get(`/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=09400000000001&dateDebut=${daysAgo(3)}&dateFin=${daysAgo(2)}`), 404, "no_data_found");
    const activation = addMonths(today(), -3); // lambert's meter
    await expectArray(await daily2026("09800000000001", addDays(activation, -2), addDays(activation, 2)), 400, "ADAM-ERR0123");
    await expectArray(await daily2026(MARTIN, "2016-03-01", "2016-03-20"), 400, "ADAM-ERR0125");
    await expectArray(await daily2026(MARTIN, daysAgo(2), daysAgo(3)), 400, "invalid_request");
    await expectArray(await get(`/situation_contrat_auto/v1?usage_point_id=${MARTIN}`), 500, "500");
  });

  it("leaves v5 bodies and WSO2's own answers (401) as they are", async () => {
    await control("error-shape", { shape: "fault" });
    const v5 = await dailyV5("09300000000001");
    expect(v5.status).toBe(403);
    expect(await v5.json()).toMatchObject({ error: "ADAM-DC-0008" });
    const unauthorized = await paced(`/mesure_synchrone_auto/v2/consommation_quotidienne?pointId=${MARTIN}&dateDebut=${daysAgo(3)}&dateFin=${daysAgo(2)}`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ code: "900901" });
  });

  it("leaves WSO2's 404 for an unknown route as it is (through the worker and in-process)", async () => {
    await control("error-shape", { shape: "libelle" });
    for (const path of ["/mesure_synchrone_auto/v3/consommation_quotidienne", "/no_such_api/v1/09100000000001"]) {
      for (const send of [sim, direct]) {
        const res = await send(path, bearer(token));
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ code: "404", type: "Status report", message: "Not Found", description: "The requested resource is not available." });
      }
    }
  });

  it("refuses an unknown shape; reset goes back to default", async () => {
    expect((await control("error-shape", { shape: "xml" })).status).toBe(400);
    await control("error-shape", { shape: "libelle" });
    expect((await levers()).error_shape).toBe("libelle");
    await control("reset");
    expect((await levers()).error_shape).toBe("default");
    expect(await (await daily2026("09300000000001")).json()).toEqual({ code: "ADAM-DC-0008", message: "Le client n'est pas autorisé pour le point demandé" });
  });
});

describe("technical-error lever", () => {
  const expectTechnical = async (res: Response, key: "code" | "error") => {
    expect(res.status).toBe(500);
    expect(((await res.json()) as Record<string, string>)[key]).toBe("technical_error");
  };

  it("for_seconds: every API of that PRM answers 500 technical_error, other PRMs answer normally", async () => {
    expect(await (await control("technical-error", { usage_point_id: MARTIN, for_seconds: 3600 })).json()).toMatchObject({ usage_point_id: MARTIN });
    for (let i = 0; i < 2; i++) await expectTechnical(await daily2026(MARTIN), "code");
    await expectTechnical(await get(`/situation_contrat_auto/v1/${MARTIN}`), "code");
    await expectTechnical(await get(`/comptage_auto/v1/${MARTIN}`), "code");
    await expectTechnical(await dailyV5(MARTIN), "error");
    await expectTechnical(await get(`/customers_upc/v5/usage_points/contracts?usage_point_id=${MARTIN}`), "error");
    expect((await daily2026(DURAND)).status).toBe(200);
    expect(Object.keys((await levers()).technical_errors)).toEqual([MARTIN]);
  });

  it("takes the error shape too", async () => {
    await control("technical-error", { usage_point_id: MARTIN, for_seconds: 60 });
    await control("error-shape", { shape: "array" });
    const res = await daily2026(MARTIN);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual([{ code: "technical_error", message: "Erreur technique" }]);
  });

  it("count: fails the next N calls of that PRM, then recovers", async () => {
    expect(await (await control("technical-error", { usage_point_id: DURAND, count: 2 })).json()).toEqual({ usage_point_id: DURAND, remaining: 2 });
    await expectTechnical(await daily2026(DURAND), "code");
    await expectTechnical(await get(`/synth_contrat_auto/v1/${DURAND}`), "code");
    expect((await daily2026(DURAND)).status).toBe(200);
    expect((await levers()).technical_errors).toEqual({});
  });

  it("is cleared by reset and validated", async () => {
    await control("technical-error", { usage_point_id: MARTIN, for_seconds: 3600 });
    await control("reset");
    expect((await daily2026(MARTIN)).status).toBe(200);
    expect((await control("technical-error", { usage_point_id: MARTIN })).status).toBe(400);
    expect((await control("technical-error", { usage_point_id: MARTIN, count: 1, for_seconds: 5 })).status).toBe(400);
    expect((await control("technical-error", { usage_point_id: "123", count: 1 })).status).toBe(400);
  });

  it("the levers are loopback-only", async () => {
    for (const path of ["error-shape", "technical-error", "consent-timing", "levers"]) {
      const res = await exports.default.fetch(
        new Request(`https://gateway.example.org/simulator/_control/${path}`, { method: path === "levers" ? "GET" : "POST", headers: { "Content-Type": "application/json" }, body: path === "levers" ? undefined : JSON.stringify({ shape: "array" }) }),
      );
      expect(res.status).toBe(404);
    }
    expect((await levers()).error_shape).toBe("default");
  });
});
