import { describe, expect, it } from "vitest";
import notSubscribed from "../fixtures/enedis/erreur_comptage_non_souscrit.json";
import generalData from "../fixtures/enedis/donnees_generales.json";
import loadCurveConsumption from "../fixtures/enedis/mesure_courbe_de_charge_consommation.json";
import maxPower from "../fixtures/enedis/mesure_puissance_conso_max_quotidienne.json";
import situationConsumer from "../fixtures/enedis/situation_contrat_consommateur.json";
import synthConsumer from "../fixtures/enedis/synth_contrat_consommateur.json";
import v5LoadCurve from "../fixtures/enedis/v5_consumption_load_curve.json";
import { withLegacyFallback } from "../../src/enedis/client";
import { createDc2026Client } from "../../src/enedis/dc2026";
import { EnedisTokenRejected, EnedisUpstreamError } from "../../src/enedis/errors";
import type { EnedisApi, EnedisClient, EnedisTransport } from "../../src/enedis/types";
import { createV5Client } from "../../src/enedis/v5";

const PRM = "99999999999991";
const credentials = { clientId: "app-id", clientSecret: "app-secret" };

interface Call {
  api: EnedisApi;
  path: string;
  method: string;
  headers: Headers;
  body?: string;
}

/** A transport answering by path prefix; records every call. */
function scripted(routes: Record<string, [number, unknown]>) {
  const calls: Call[] = [];
  const transport: EnedisTransport = async (api, path, init = {}) => {
    calls.push({ api, path, method: init.method ?? "GET", headers: new Headers(init.headers), body: init.body as string | undefined });
    const route = Object.keys(routes).find((prefix) => path.startsWith(prefix));
    if (!route) return new Response("404 Not Found", { status: 404 });
    const [status, body] = routes[route];
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return { calls, transport };
}

describe("Data Connect 2026 adapter", () => {
  it("asks the load curve with pointId/dateDebut/dateFin and answers the v5 shape", async () => {
    const { calls, transport } = scripted({ "/mesure_synchrone_auto/v2/courbe_de_charge_consommation": [200, loadCurveConsumption] });
    const reading = await createDc2026Client(transport, credentials).meterReading("tok", "consumption_load_curve", PRM, "2026-09-29", "2026-10-01");
    expect(reading).toStrictEqual(v5LoadCurve.meter_reading);
    expect(calls).toHaveLength(1);
    expect(calls[0].api).toBe("consumption_load_curve");
    expect(calls[0].path).toBe(`/mesure_synchrone_auto/v2/courbe_de_charge_consommation?pointId=${PRM}&dateDebut=2026-09-29&dateFin=2026-10-01`);
    expect(calls[0].headers.get("Authorization")).toBe("Bearer tok");
    expect(calls[0].headers.get("Accept")).toBe("application/json");
  });

  it("adds the parameters the max-power API requires", async () => {
    const { calls, transport } = scripted({ "/mesure_synchrone_auto/v2/puissance_conso_max_quotidienne": [200, maxPower] });
    await createDc2026Client(transport, credentials).meterReading("tok", "consumption_max_power", PRM, "2026-09-29", "2026-10-01");
    const query = new URLSearchParams(calls[0].path.split("?")[1]);
    expect(query.get("mesuresPas")).toBe("P1D");
    expect(query.get("grandeurPhysique")).toBe("PMA");
  });

  it("builds the contract from three APIs (PRM in the path), tolerating an unsubscribed comptage_auto", async () => {
    const { calls, transport } = scripted({
      [`/situation_contrat_auto/v1/${PRM}`]: [200, situationConsumer],
      [`/synth_contrat_auto/v1/${PRM}`]: [200, synthConsumer],
      [`/comptage_auto/v1/${PRM}`]: [403, notSubscribed],
    });
    const contract = (await createDc2026Client(transport, credentials).customerData("tok", "contract", PRM)) as {
      customer: { usage_points: Array<{ contracts: Record<string, string> }> };
    };
    expect(calls.map((c) => c.path).sort()).toEqual([`/comptage_auto/v1/${PRM}`, `/situation_contrat_auto/v1/${PRM}`, `/synth_contrat_auto/v1/${PRM}`]);
    expect(contract.customer.usage_points[0].contracts.subscribed_power).toBe("12 kVA");
    expect(contract.customer.usage_points[0].contracts).not.toHaveProperty("offpeak_hours");
  });

  it("stops the contract on a consent error", async () => {
    const { transport } = scripted({
      [`/situation_contrat_auto/v1/${PRM}`]: [403, { code: "ADAM-DC-0008", message: "Le client n'est pas autorisé pour le point demandé" }],
      [`/synth_contrat_auto/v1/${PRM}`]: [200, synthConsumer],
      [`/comptage_auto/v1/${PRM}`]: [200, {}],
    });
    await expect(createDc2026Client(transport, credentials).customerData("tok", "contract", PRM)).rejects.toMatchObject({ code: "CONSENT_REQUIRED", status: 403 });
  });

  it("reads the address from donnees_generales_auto and identity/contact from situation_contrat_auto", async () => {
    const { calls, transport } = scripted({
      [`/donnees_generales_auto/v1/${PRM}`]: [200, generalData],
      [`/situation_contrat_auto/v1/${PRM}`]: [200, situationConsumer],
    });
    const client = createDc2026Client(transport, credentials);
    expect(await client.customerData("tok", "address", PRM)).toMatchObject({ customer: { usage_points: [{ usage_point: { usage_point_id: PRM } }] } });
    expect(await client.customerData("tok", "identity", PRM)).toHaveProperty("identity.natural_person");
    expect(await client.customerData("tok", "contact", PRM)).toHaveProperty("contact.phone");
    expect(calls.map((c) => c.path)).toEqual([`/donnees_generales_auto/v1/${PRM}`, `/situation_contrat_auto/v1/${PRM}`, `/situation_contrat_auto/v1/${PRM}`]);
  });

  it("never puts anything but 14 digits into a contract path", async () => {
    const { calls, transport } = scripted({});
    await expect(createDc2026Client(transport, credentials).customerData("tok", "contract", "../../admin")).rejects.toMatchObject({ code: "INVALID_USAGE_POINT_ID" });
    expect(calls).toHaveLength(0);
  });
});

describe("v5 adapter", () => {
  it("asks v5 metering paths with usage_point_id/start/end", async () => {
    const { calls, transport } = scripted({ "/metering_data_clc/v5/consumption_load_curve": [200, v5LoadCurve] });
    const reading = await createV5Client(transport, credentials).meterReading("tok", "consumption_load_curve", PRM, "2026-09-29", "2026-10-01");
    expect(reading).toStrictEqual(v5LoadCurve.meter_reading);
    expect(calls[0].path).toBe(`/metering_data_clc/v5/consumption_load_curve?usage_point_id=${PRM}&start=2026-09-29&end=2026-10-01`);
  });

  it("skips readings without a usable value (null, missing, not a number) instead of failing the whole answer", async () => {
    const [first, second, third, ...rest] = v5LoadCurve.meter_reading.interval_reading;
    const answer = {
      meter_reading: {
        ...v5LoadCurve.meter_reading,
        interval_reading: [first, { ...second, value: null }, { date: third.date, interval_length: "PT30M" }, { ...rest[0], value: "n/a" }, ...rest.slice(1)],
      },
    };
    const { transport } = scripted({ "/metering_data_clc/v5/consumption_load_curve": [200, answer] });
    const reading = await createV5Client(transport, credentials).meterReading("tok", "consumption_load_curve", PRM, "2026-09-29", "2026-10-01");
    expect(reading.interval_reading).toStrictEqual([first, ...rest.slice(1)]);
  });

  it("uses the real production paths, not the copied swagger's", async () => {
    const { calls, transport } = scripted({ "/metering_data_": [200, { meter_reading: { ...v5LoadCurve.meter_reading, interval_reading: [] } }] });
    const client = createV5Client(transport, credentials);
    await client.meterReading("tok", "production_daily", PRM, "2026-09-29", "2026-10-01");
    await client.meterReading("tok", "production_load_curve", PRM, "2026-09-29", "2026-10-01");
    await client.meterReading("tok", "consumption_max_power", PRM, "2026-09-29", "2026-10-01");
    expect(calls.map((c) => c.path.split("?")[0])).toEqual([
      "/metering_data_dp/v5/daily_production",
      "/metering_data_plc/v5/production_load_curve",
      "/metering_data_dcmp/v5/daily_consumption_max_power",
    ]);
  });

  it("passes customer data through and maps errors", async () => {
    const contract = { customer: { customer_id: "1", usage_points: [{ usage_point: { usage_point_id: PRM }, contracts: { segment: "C5" } }] } };
    const { calls, transport } = scripted({
      "/customers_upc/v5/usage_points/contracts": [200, contract],
      "/customers_i/v5/identity": [403, { error: "ADAM-DC-0007", error_description: "..." }],
      "/customers_cd/v5/contact_data": [401, {}],
    });
    const client = createV5Client(transport, credentials);
    expect(await client.customerData("tok", "contract", PRM)).toEqual(contract);
    expect(calls[0].path).toBe(`/customers_upc/v5/usage_points/contracts?usage_point_id=${PRM}`);
    await expect(client.customerData("tok", "identity", PRM)).rejects.toMatchObject({ code: "NOT_OWNER" });
    await expect(client.customerData("tok", "contact", PRM)).rejects.toBeInstanceOf(EnedisTokenRejected);
  });
});

describe("shared endpoints (both generations)", () => {
  for (const [name, make] of [["v5", createV5Client], ["2026", createDc2026Client]] as const) {
    it(`${name}: fetches the application token with form credentials; expires_in may be a string`, async () => {
      const { calls, transport } = scripted({ "/oauth2/v3/token": [200, { access_token: "abc", token_type: "Bearer", expires_in: "12600", scope: "x" }] });
      const before = Date.now();
      const token = await make(transport, credentials).fetchToken();
      expect(token.accessToken).toBe("abc");
      expect(token.expiresAtMs).toBeGreaterThanOrEqual(before + 12_600_000);
      expect(token.expiresAtMs).toBeLessThan(before + 12_600_000 + 5_000);
      expect(calls[0]).toMatchObject({ api: "token", method: "POST" });
      expect(calls[0].headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
      expect(Object.fromEntries(new URLSearchParams(calls[0].body))).toEqual({ grant_type: "client_credentials", client_id: "app-id", client_secret: "app-secret" });
    });
  }

  it("treats refused application credentials as Enedis unavailable, not as an expired token", async () => {
    const { transport } = scripted({ "/oauth2/v3/token": [401, { error: "invalid_client" }] });
    const err = await createV5Client(transport, credentials).fetchToken().catch((e) => e);
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    expect(err).not.toBeInstanceOf(EnedisTokenRejected);
    expect(err.code).toBe("ENEDIS_UNAVAILABLE");
  });

  it("v1 discovery on v5 (legacy) lists every usage point of the customer", async () => {
    const { calls, transport } = scripted({
      "/customers_upc/v5/usage_points": [
        200,
        {
          customer: {
            customer_id: "1358019319",
            usage_points: [
              { usage_point: { usage_point_id: "11111111111111", usage_point_status: "com", meter_type: "AMM" } },
              { usage_point: { usage_point_id: "22222222222222", usage_point_status: "no_com", meter_type: "CBE" } },
            ],
          },
        },
      ],
    });
    const found = await createV5Client(transport, credentials).usagePointsForV1("tok", ["11111111111111", "22222222222222"]);
    expect(calls[0].path).toBe("/customers_upc/v5/usage_points?usage_point_id=11111111111111,22222222222222");
    expect(calls[0].api).toBe("usage_points");
    expect(found).toEqual({
      customerId: "1358019319",
      usagePoints: [
        { usagePointId: "11111111111111", status: "com", meterType: "AMM" },
        { usagePointId: "22222222222222", status: "no_com", meterType: "CBE" },
      ],
    });
    await expect(createV5Client(transport, credentials).usagePointsForV1("tok", ["1234"])).rejects.toMatchObject({ code: "INVALID_USAGE_POINT_ID" });
  });

  it("v2 discovery keeps active access services, each PRM with its own end date", async () => {
    const service = (pointId: string, etatCode: string, serviceCode: string, dateFin: string) => ({ pointId, etatCode, serviceCode, dateFin, autorisation: { autorisationId: 123456789012 } });
    const { calls, transport } = scripted({
      "/subscribed_services/v1": [
        200,
        {
          nbTotalServices: 5,
          serviceSouscrit: [
            service("11111111111111", "ACTIF", "ACCES", "2029-10-01"),
            service("11111111111111", "ACTIF", "ACCES", "2029-10-01"),
            service("22222222222222", "TERMINE", "ACCES", "2026-01-01"),
            service("33333333333333", "ACTIF", "CCDC", "2026-01-01"),
            service("44444444444444", "ACTIF", "ACCES", "2028-05-01"),
          ],
        },
      ],
    });
    const found = await createV5Client(transport, credentials).usagePointsForV2("tok", "123456789012");
    expect(calls[0]).toMatchObject({ api: "subscribed_services", method: "POST", path: "/subscribed_services/v1", body: '{"autorisationId":123456789012,"comptage":false,"page":1}' });
    expect(found).toEqual({
      usagePoints: [
        { usagePointId: "11111111111111", consentStatus: "ACTIF", consentExpiresAt: "2029-10-01" },
        { usagePointId: "44444444444444", consentStatus: "ACTIF", consentExpiresAt: "2028-05-01" },
      ],
    });
    await expect(createV5Client(transport, credentials).usagePointsForV2("tok", "12; DROP")).rejects.toMatchObject({ status: 400 });
  });
});

describe("auto mode: 2026 first, v5 on an HTTP failure", () => {
  const reading = v5LoadCurve.meter_reading;
  function clients(primaryError: unknown) {
    const used: string[] = [];
    const stub = (name: string, fail?: unknown): EnedisClient => ({
      fetchToken: async () => (used.push(name), { accessToken: name, expiresAtMs: 0 }),
      meterReading: async () => {
        used.push(name);
        if (fail) throw fail;
        return reading;
      },
      customerData: async () => (used.push(name), {}),
      usagePointsForV1: async () => (used.push(name), { usagePoints: [] }),
      usagePointsForV2: async () => (used.push(name), { usagePoints: [] }),
    });
    return { used, client: withLegacyFallback(stub("2026", primaryError), stub("v5")) };
  }

  it.each([
    ["API not subscribed", () => new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "x", true, "900908")],
    ["Enedis 2026 down", () => new EnedisUpstreamError(503, "ENEDIS_UNAVAILABLE", "x", true, "503")],
    ["swagger mismatch", () => new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "x", true, "500")],
  ])("falls back on %s", async (_what, error) => {
    const { used, client } = clients(error());
    expect(await client.meterReading("t", "consumption_load_curve", PRM, "2026-09-29", "2026-10-01")).toBe(reading);
    expect(used).toEqual(["2026", "v5"]);
  });

  it.each([
    ["no consent", () => new EnedisUpstreamError(403, "CONSENT_REQUIRED", "x", false, "ADAM-DC-0008")],
    ["no data", () => new EnedisUpstreamError(404, "NO_DATA", "x", false, "no_data_found")],
    ["throttled", () => new EnedisUpstreamError(429, "ENEDIS_BUSY", "x", false, "900807", { retryAfter: 3 })],
    ["expired token", () => new EnedisTokenRejected()],
    ["a bug of ours", () => new TypeError("oops")],
  ])("does not fall back on %s", async (_what, error) => {
    const e = error();
    const { used, client } = clients(e);
    await expect(client.meterReading("t", "consumption_load_curve", PRM, "2026-09-29", "2026-10-01")).rejects.toBe(e);
    expect(used).toEqual(["2026"]);
  });

  it("asks 2026 only when it answers", async () => {
    const { used, client } = clients(undefined);
    await client.meterReading("t", "consumption_daily", PRM, "2026-09-29", "2026-10-01");
    await client.customerData("t", "contract", PRM);
    expect(used).toEqual(["2026", "2026"]);
  });
});
