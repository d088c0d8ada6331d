// Pure parts of the simulator's real-world quirks: gaps, late publication, error shapes, stable autorisation ids, listing states.
import { describe, expect, it } from "vitest";
import { addDays } from "../../src/simulator/calendar";
import { autorisationIdFor, type ConsentRow } from "../../src/simulator/consents";
import { reshapeError } from "../../src/simulator/error-shapes";
import { findHousehold, findUsagePoint } from "../../src/simulator/households";
import { body2026, readingsFor } from "../../src/simulator/metering";
import { curveGapsOfDay, isNullDailyDay, isWithheldDay } from "../../src/simulator/quirks";
import { publishedDays } from "../../src/simulator/rules";
import { serviceState } from "../../src/simulator/subscribed-services";

const moreau = findUsagePoint("09700000000001")!.point;
const martin = findUsagePoint("09100000000001")!.point;
const year = Array.from({ length: 365 }, (_, i) => addDays("2025-01-01", i));

describe("gappy readings (moreau)", () => {
  it("withholds a few days a year, deterministically; other households never", () => {
    const withheld = year.filter((d) => isWithheldDay(moreau, d));
    expect(withheld.length).toBeGreaterThanOrEqual(8);
    expect(withheld.length).toBeLessThanOrEqual(40);
    expect(year.filter((d) => isWithheldDay(moreau, d))).toEqual(withheld);
    expect(year.some((d) => isWithheldDay(martin, d) || isNullDailyDay(martin, d) || curveGapsOfDay(martin, d, 48))).toBe(false);
  });

  it("has some null daily values", () => {
    expect(year.filter((d) => isNullDailyDay(moreau, d)).length).toBeGreaterThanOrEqual(5);
  });

  it("gives every day one null and one value-less load-curve point, at two different half-hours", () => {
    for (const day of year.slice(0, 60)) {
      for (const count of [46, 48, 50]) {
        const gaps = curveGapsOfDay(moreau, day, count)!;
        expect(gaps.nullIndex).not.toBe(gaps.missingIndex);
        expect(gaps.nullIndex).toBeGreaterThanOrEqual(0);
        expect(gaps.missingIndex).toBeLessThan(count);
      }
    }
  });

  it("writes them as `v: null` and as a point without `v`, in kW with decimals", () => {
    const day = "2025-03-04";
    const body = body2026("consumption_load_curve", moreau.id, day, addDays(day, 1), readingsFor(moreau, "consumption_load_curve", [day]), true);
    const points = body.grandeur[0].points as Array<Record<string, unknown>>;
    const gaps = curveGapsOfDay(moreau, day, points.length)!;
    expect(body.grandeur[0].unite).toBe("kW");
    expect(points[gaps.nullIndex]).toHaveProperty("v", null);
    expect(points[gaps.missingIndex]).not.toHaveProperty("v");
    expect(points[gaps.missingIndex]).toHaveProperty("d");
    const written = points.filter((p) => typeof p.v === "string");
    expect(written).toHaveLength(points.length - 2);
    for (const p of written) expect(p.v).toMatch(/^\d+\.\d{3}$/);
  });
});

describe("publication hour", () => {
  // 2026-12-02: winter, Paris = UTC+1.
  const at = (parisHour: number) => Date.UTC(2026, 11, 2, parisHour - 1, 30);
  it("publishes yesterday from 08:00 by default, from the point's hour when it has one", () => {
    const range = ["2026-11-29", "2026-12-02"] as const;
    expect(publishedDays(...range, at(9))).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(publishedDays(...range, at(9), 14)).toEqual(["2026-11-29", "2026-11-30"]);
    expect(publishedDays(...range, at(13), 14)).toEqual(["2026-11-29", "2026-11-30"]);
    expect(publishedDays(...range, at(14), 14)).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(moreau.publicationHour).toBe(14);
  });
});

describe("error shapes", () => {
  const body = { code: "ADAM-DC-0008", message: "Le client n'est pas autorisé pour le point demandé" };
  it("carries the same code and text in each shape", () => {
    expect(reshapeError(body, "default")).toEqual(body);
    expect(reshapeError({ ...body, description: "x" }, "code_message")).toEqual(body);
    expect(reshapeError(body, "error_description")).toEqual({ error: body.code, error_description: body.message });
    expect(reshapeError(body, "array")).toEqual([body]);
    expect(reshapeError(body, "libelle")).toEqual({ code: body.code, libelle: body.message });
    expect(reshapeError(body, "fault")).toEqual({ fault: { code: body.code, message: body.message, description: body.message } });
  });
});

describe("autorisation_id", () => {
  it("is stable per application and household, 12 digits without a leading zero, and differs otherwise", async () => {
    const a = await autorisationIdFor("secret", "client-a", "garnier");
    expect(await autorisationIdFor("secret", "client-a", "garnier")).toBe(a);
    expect(a).toMatch(/^[1-9]\d{11}$/);
    expect(Number.isSafeInteger(Number(a))).toBe(true);
    const others = [
      await autorisationIdFor("secret", "client-b", "garnier"),
      await autorisationIdFor("secret", "client-a", "martin"),
      await autorisationIdFor("other-secret", "client-a", "garnier"),
    ];
    expect(new Set([a, ...others]).size).toBe(4);
  });
});

describe("v2 services listing state", () => {
  const t0 = Date.UTC(2026, 11, 2, 10);
  const consent = (over: Partial<ConsentRow> = {}): ConsentRow => ({
    id: "123456789012",
    clientId: "c",
    householdId: "garnier",
    usagePointIds: "09600000000001",
    createdAt: new Date(t0).toISOString(),
    expiresAt: new Date(t0 + 86_400_000).toISOString(),
    revoked: false,
    ...over,
  });
  const timing = { hiddenMs: 2000, demandeMs: 60_000 };
  it("is hidden, then DEMANDE, then ACTIF for a late-listed household; always ACTIF otherwise; TERMINE once revoked or expired", () => {
    expect(findHousehold("garnier")!.servicesListedLate).toBe(true);
    expect(serviceState(consent(), true, timing, t0 + 1999)).toBe("hidden");
    expect(serviceState(consent(), true, timing, t0 + 2000)).toBe("DEMANDE");
    expect(serviceState(consent(), true, timing, t0 + 61_999)).toBe("DEMANDE");
    expect(serviceState(consent(), true, timing, t0 + 62_000)).toBe("ACTIF");
    expect(serviceState(consent(), true, { hiddenMs: 0, demandeMs: 0 }, t0)).toBe("ACTIF");
    expect(serviceState(consent(), false, timing, t0)).toBe("ACTIF");
    expect(serviceState(consent({ revoked: true }), true, timing, t0)).toBe("TERMINE");
    expect(serviceState(consent(), false, timing, t0 + 86_400_000)).toBe("TERMINE");
  });
});
