import { describe, expect, it } from "vitest";
import notSubscribed from "../fixtures/enedis/erreur_comptage_non_souscrit.json";
import {
  EnedisTokenRejected,
  EnedisUpstreamError,
  enedisError,
  isRouteNotServed,
  readErrorFields,
  shouldFallBackToLegacy,
  throttleWindow,
  throttledUntilMs,
  type EnedisGeneration,
} from "../../src/enedis/errors";

const v5 = (error: string, error_description = "some Enedis text") => ({ error, error_description, error_uri: "" });
const g26 = (code: string, message = "un texte Enedis") => ({ code, message });

// [what, status, body, generation, expected status, expected code, falls back to v5 in auto mode]
const TABLE: Array<[string, number, unknown, EnedisGeneration, number, string, boolean]> = [
  ["v5 no consent", 403, v5("ADAM-DC-0008", "No consent can be found for this customer and this usage point."), "v5", 403, "CONSENT_REQUIRED", false],
  ["v5 no consent, underscore spelling", 403, v5("ADAM_DC_0008"), "v5", 403, "CONSENT_REQUIRED", false],
  ["v5 unauthorized_user", 403, v5("unauthorized_user", "user is not authorized to access this resource"), "v5", 403, "CONSENT_REQUIRED", false],
  ["2026 no consent", 403, g26("ADAM-DC-0008", "Le client n'est pas autorisé pour le point demandé"), "dc2026", 403, "CONSENT_REQUIRED", false],
  ["2026 uncoded 403 not authorised", 403, g26("403", "Le client n'est pas autorisé pour le point demandé"), "dc2026", 403, "CONSENT_REQUIRED", false],
  ["consent refused", 403, v5("access_denied"), "v5", 403, "CONSENT_REQUIRED", false],
  ["v5 moved out", 403, v5("ADAM-DC-0007"), "v5", 403, "NOT_OWNER", false],
  ["2026 moved out", 403, g26("ADAM-DC-0007", "Le client n'est pas titulaire du point demandé"), "dc2026", 403, "NOT_OWNER", false],
  ["2026 uncoded not holder", 403, g26("403", "Le client n'est pas titulaire du point demandé"), "dc2026", 403, "NOT_OWNER", false],
  ["unknown usage point for this customer", 404, v5("STM-ERR-0000019", "Unknown or unauthorized user"), "v5", 403, "NOT_OWNER", false],
  ["seeker not the holder", 400, v5("ADAM-ERR0061"), "v5", 403, "NOT_OWNER", false],
  ["v5 no data", 404, v5("no_data_found", "no measure found for this usage point"), "v5", 404, "NO_DATA", false],
  ["2026 no data", 404, g26("no_data_found", "Pas de mesure trouvée pour ce point"), "dc2026", 404, "NO_DATA", false],
  ["meter not communicating", 404, v5("STM-ERR-0000014"), "v5", 404, "NO_DATA", false],
  ["load curve not activated", 404, v5("STM-ERR-0000020"), "v5", 404, "NO_DATA", false],
  ["2026 404 with a business message", 404, g26("SGT4D4", "Situation comptage ou PRM non existant"), "dc2026", 404, "NO_DATA", false],
  ["consumption asked on a production point", 400, v5("ADAM-ERR0069"), "v5", 404, "NO_DATA", false],
  ["load curve recording refused", 400, v5("ADAM-ERR0075"), "v5", 404, "NO_DATA", false],
  ["v5 history limit", 400, v5("ADAM-DC-0016"), "v5", 400, "DATE_TOO_OLD", false],
  ["2026 history limit", 400, g26("ADAM-ERR0125"), "dc2026", 400, "DATE_TOO_OLD", false],
  ["before consent start", 403, v5("ADAM-DC-0009"), "v5", 400, "DATE_TOO_OLD", false],
  ["before meter activation", 400, g26("ADAM-ERR0123"), "dc2026", 400, "DATE_TOO_OLD", false],
  ["v5 load curve over 7 days", 400, v5("ADAM-DC-0015"), "v5", 400, "INVALID_DATE_RANGE", false],
  ["2026 load curve over 7 days", 400, g26("ADAM-ERR0126"), "dc2026", 400, "INVALID_DATE_RANGE", false],
  ["invalid_request about dates", 400, v5("invalid_request", "Start date should be before end date"), "v5", 400, "INVALID_DATE_RANGE", false],
  ["invalid_request about history", 400, v5("Invalid_request", "The start date must be greater than the history deadline"), "v5", 400, "DATE_TOO_OLD", false],
  ["2026 invalid_request, French date text", 400, g26("invalid_request", "La date de fin ne peut être égale à la date de début"), "dc2026", 400, "INVALID_DATE_RANGE", false],
  ["invalid_request about the PDL", 400, v5("invalid_request", "usage_point_id parameter must be 14 digits long"), "v5", 502, "ENEDIS_REJECTED", true],
  ["API not subscribed (fixture)", 403, notSubscribed, "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["API not subscribed, text only", 403, { message: "Resource forbidden", description: "API Subscription validation failed." }, "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (plain text)", 404, "404 Not Found", "v5", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (WSO2)", 404, { code: "404", type: "Status report", message: "Not Found" }, "v5", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (WSO2 status report)", 404, { code: "404", type: "Status report", message: "Not Found", description: "The requested resource is not available." }, "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (WSO2 fault)", 404, { fault: { code: 900906, message: "No matching resource found for given API Request", description: "The requested resource is not available." } }, "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (array, lower case)", 404, [{ code: "404", message: "not found" }], "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["unknown route (HTML page)", 404, "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", "v5", 502, "ENEDIS_UNAVAILABLE", true],
  ["404 with an empty body: no data", 404, "", "dc2026", 404, "NO_DATA", false],
  ["404 with an empty object: no data", 404, {}, "dc2026", 404, "NO_DATA", false],
  ["404 with only a status code: no data", 404, { code: "404" }, "dc2026", 404, "NO_DATA", false],
  ["404 with an uncoded business text: no data", 404, { message: "Aucune mesure trouvée" }, "dc2026", 404, "NO_DATA", false],
  ["404 whose sentence mentions not found: no data", 404, g26("SGT500", "PRM not found for this period"), "dc2026", 404, "NO_DATA", false],
  ["2026 no data in an array", 404, [g26("no_data_found", "Pas de mesure")], "dc2026", 404, "NO_DATA", false],
  ["comptage_auto {code, libelle}", 403, { code: "ADAM-DC-0008", libelle: "Pas de consentement" }, "dc2026", 403, "CONSENT_REQUIRED", false],
  ["comptage_auto 404 {code, libelle}", 404, { code: "SGT4D4", libelle: "Situation comptage non existante" }, "dc2026", 404, "NO_DATA", false],
  ["before meter activation, array body", 400, [g26("ADAM-ERR0123", "Période antérieure à la mise en service")], "dc2026", 400, "DATE_TOO_OLD", false],
  ["not subscribed in a WSO2 fault", 403, { fault: { code: "900908", message: "Resource forbidden", description: "API Subscription validation failed." } }, "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["2026 swagger mismatch", 500, g26("500", "Problème technique dans l'interrogation du SI coeur"), "dc2026", 502, "ENEDIS_UNAVAILABLE", true],
  ["v5 technical error", 500, v5("ADAM-DC-0500"), "v5", 502, "ENEDIS_UNAVAILABLE", true],
  ["Enedis down", 503, v5("Service Unavailable"), "v5", 503, "ENEDIS_UNAVAILABLE", true],
  ["gateway timeout", 504, "", "dc2026", 503, "ENEDIS_UNAVAILABLE", true],
  ["throttled", 429, g26("900807", "Message throttled out"), "dc2026", 429, "ENEDIS_BUSY", false],
  ["token endpoint: bad credentials", 400, v5("invalid_client"), "v5", 502, "ENEDIS_UNAVAILABLE", false],
  ["something else", 418, { weird: true }, "v5", 502, "ENEDIS_REJECTED", true],
];

describe("enedisError", () => {
  it.each(TABLE)("%s → %s", (_what, status, body, generation, expectedStatus, expectedCode, fallback) => {
    const err = enedisError(status, body, generation);
    expect(err).toBeInstanceOf(EnedisUpstreamError);
    expect(err.status).toBe(expectedStatus);
    expect(err.code).toBe(expectedCode);
    expect(shouldFallBackToLegacy(err)).toBe(fallback);
  });

  it("never repeats Enedis's text", () => {
    for (const [, status, body, generation] of TABLE) {
      const err = enedisError(status, body, generation);
      for (const text of Object.values(typeof body === "object" && body ? body : { body })) {
        if (typeof text === "string" && text.length > 8) expect(err.message).not.toContain(text);
      }
    }
  });

  it("turns a 401 into the token-expired signal, which never falls back", () => {
    for (const body of [v5("Unauthorized"), { code: "900901", message: "Invalid Credentials" }, ""]) {
      const err = enedisError(401, body, "dc2026");
      expect(err).toBeInstanceOf(EnedisTokenRejected);
      expect(err.status).toBe(502);
      expect(shouldFallBackToLegacy(err)).toBe(false);
    }
  });

  it("gives 429 and 503 a Retry-After in seconds", () => {
    expect(enedisError(429, {}, "v5", 2.2).extra.retryAfter).toBe(3);
    expect(enedisError(429, {}, "v5", 0).extra.retryAfter).toBe(1);
    expect(enedisError(503, {}, "v5").extra.retryAfter).toBeGreaterThan(0);
  });

  it("keeps an upstream code on every error (Enedis's code, else the HTTP status)", () => {
    for (const [what, status, body, generation] of TABLE) {
      const err = enedisError(status, body, generation) as EnedisUpstreamError;
      expect(err.upstreamCode, what).toMatch(/\S/);
    }
    expect((enedisError(404, "", "dc2026") as EnedisUpstreamError).upstreamCode).toBe("404");
    expect((enedisError(400, [g26("ADAM-ERR0123")], "dc2026") as EnedisUpstreamError).upstreamCode).toBe("ADAM-ERR0123");
    expect((enedisError(403, { message: "forbidden" }, "dc2026") as EnedisUpstreamError).upstreamCode).toBe("403");
    expect((enedisError(429, "", "dc2026") as EnedisUpstreamError).upstreamCode).toBe("429");
  });

  it("tells a NOT_OWNER household that consenting again may fix it", () => {
    const err = enedisError(403, g26("ADAM-DC-0007", "Le client n'est pas titulaire du point demandé"), "dc2026");
    expect(err.code).toBe("NOT_OWNER");
    expect(err.message).toMatch(/consentement depuis le tableau de bord/);
  });

  it("keeps Enedis's code for logs, not in the message", () => {
    const err = enedisError(403, v5("ADAM-DC-0008"), "v5") as EnedisUpstreamError;
    expect(err.upstreamCode).toBe("ADAM-DC-0008");
    expect(err.message).not.toContain("ADAM");
  });

  it("does not fall back on errors that are not Enedis's", () => {
    expect(shouldFallBackToLegacy(new Error("boom"))).toBe(false);
    expect(shouldFallBackToLegacy(undefined)).toBe(false);
  });
});

describe("readErrorFields", () => {
  // [shape, body, code, text]
  const SHAPES: Array<[string, unknown, string | undefined, string]> = [
    ["2026 {code, message}", { code: "ADAM-ERR0123", message: "avant la mise en service" }, "ADAM-ERR0123", "avant la mise en service"],
    ["v5 {error, error_description}", { error: "ADAM_DC_0008", error_description: "No consent", error_uri: "" }, "ADAM-DC-0008", "No consent"],
    ["array [{code, message}]: the first element", [{ code: "no_data_found", message: "vide" }, { code: "other", message: "x" }], "NO-DATA-FOUND", "vide"],
    ["empty array", [], undefined, ""],
    ["comptage_auto {code, libelle}", { code: "SGT4D4", libelle: "Situation comptage non existante" }, "SGT4D4", "Situation comptage non existante"],
    ["WSO2 fault", { fault: { code: 900908, message: "Resource forbidden", description: "API Subscription validation failed." } }, "900908", "Resource forbidden API Subscription validation failed."],
    ["plain text", "Service Unavailable", undefined, "Service Unavailable"],
    ["nothing", null, undefined, ""],
  ];
  it.each(SHAPES)("%s", (_shape, body, code, text) => {
    const fields = readErrorFields(body);
    expect(fields.code).toBe(code);
    expect(fields.text).toBe(text);
  });
});

describe("isRouteNotServed", () => {
  it("recognises WSO2's own not-found in every shape, whatever the case", () => {
    for (const body of [
      "Not Found",
      "404 Not Found",
      "not found.",
      { message: "NOT FOUND" },
      { code: "404", type: "Status report", message: "Not Found", description: "The requested resource is not available." },
      { fault: { code: 900906, message: "No matching resource found", description: "The requested resource is not available." } },
      [{ code: "404", message: "Not Found" }],
      { code: "404", libelle: "Resource is not available" },
      "<html><head><title>404 Not Found</title></head></html>",
    ]) {
      expect(isRouteNotServed(body), JSON.stringify(body)).toBe(true);
    }
  });
  it("does not take a business answer for one", () => {
    for (const body of ["", {}, { code: "no_data_found" }, { code: "404" }, { message: "PRM not found for this period" }, [{ code: "SGT4D4", message: "Point non trouvé" }], "Aucune donnée"]) {
      expect(isRouteNotServed(body), JSON.stringify(body)).toBe(false);
    }
  });
});

describe("throttledUntilMs", () => {
  const now = Date.UTC(2026, 9, 1, 12, 0, 0);
  const none = new Headers();

  it("reads the 2026 gateway's nextAccessTime (WSO2 format)", () => {
    const body = { code: "900804", message: "Message throttled out", nextAccessTime: "2026-Oct-01 12:20:00+0000 UTC" };
    expect(throttledUntilMs(body, none, now)).toBe(Date.UTC(2026, 9, 1, 12, 20, 0));
  });
  it("reads nextAccessTime inside a WSO2 fault, and ISO or epoch forms", () => {
    expect(throttledUntilMs({ fault: { code: 900807, nextAccessTime: "2026-10-01T12:00:05Z" } }, none, now)).toBe(now + 5000);
    expect(throttledUntilMs({ nextAccessTime: now + 7000 }, none, now)).toBe(now + 7000);
  });
  it("reads v5's message, then Retry-After", () => {
    const body = v5("Quota Q4 reached", "Too many requests: hourly quota exceeded. Calls are allowed again after 2026-Oct-01 12:30:00+0000 UTC");
    expect(throttledUntilMs(body, none, now)).toBe(Date.UTC(2026, 9, 1, 12, 30, 0));
    expect(throttledUntilMs({}, new Headers({ "Retry-After": "12" }), now)).toBe(now + 12_000);
  });
  it("guesses from the quota named when no time is given, and never believes more than an hour", () => {
    expect(throttledUntilMs(v5("Quota Q3 reached", "Too many requests"), none, now)).toBe(now + 1000);
    expect(throttledUntilMs(v5("Quota Q4 reached", "hourly quota exceeded"), none, now)).toBe(now + 60_000);
    expect(throttledUntilMs({ nextAccessTime: "2026-Oct-09 12:00:00+0000 UTC" }, none, now)).toBe(now + 3_600_000);
    // Only a time Enedis gave counts as stated.
    expect(throttleWindow(v5("Quota Q3 reached", "Too many requests"), none, now)).toEqual({ untilMs: now + 1000, stated: false });
    expect(throttleWindow({ nextAccessTime: "2026-Oct-01 12:00:01+0000 UTC" }, none, now)).toEqual({ untilMs: now + 1000, stated: true });
    // A time already past is ignored.
    expect(throttledUntilMs({ nextAccessTime: "2026-Oct-01 11:00:00+0000 UTC" }, none, now)).toBe(now + 1000);
  });
});
