import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import { simulatorConsents } from "../../src/db/schema";
import { SIMULATED_HOUSEHOLDS } from "../../src/simulator/households";
import { authorizeQuery, bearer, config, getToken, giveConsent, ORIGIN, paced, sim } from "./simulator-helpers";

describe("simulated consent page", () => {
  for (const version of ["v1", "v2"] as const) {
    it(`${version}: shows a French page with every household, Accepter and Refuser, and no inline script`, async () => {
      const res = await sim(`/dataconnect/${version}/oauth2/authorize?${authorizeQuery()}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/text\/html/);
      const html = await res.text();
      expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
      expect(html).toContain('lang="fr"');
      expect(html).toContain('name="viewport"');
      expect(html).toContain("simulateur");
      for (const h of SIMULATED_HOUSEHOLDS) {
        expect(html).toContain(`name="household" value="${h.id}"`);
        for (const p of h.usagePoints) expect(html).toContain(p.id);
      }
      expect(html).toMatch(/<button[^>]*>Accepter<\/button>/);
      expect(html).toMatch(/<button[^>]*>Refuser<\/button>/);
      expect(html).toContain(`action="/simulator/dataconnect/${version}/oauth2/authorize"`);
      expect(html).toContain('name="state" value="state-123"');
      expect(html).not.toMatch(/<script|style=|<style/);
    });
  }

  it("serves its stylesheet", async () => {
    const res = await sim("/static/simulator.css");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/text\/css/);
  });

  const bad: Array<[string, Record<string, string | undefined>]> = [
    ["unknown client_id", { client_id: "someone-else" }],
    ["missing client_id", { client_id: undefined }],
    ["response_type other than code", { response_type: "token" }],
    ["duration over three years", { duration: "P37M" }],
    ["duration that is not ISO 8601", { duration: "3 years" }],
    ["missing state", { state: undefined }],
    ["state over 100 characters", { state: "s".repeat(101) }],
  ];
  for (const [name, overrides] of bad) {
    it(`refuses a ${name} with a 400 error page`, async () => {
      const res = await sim(`/dataconnect/v1/oauth2/authorize?${authorizeQuery(overrides)}`);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).toContain("autorisation invalide");
      expect(html).not.toContain("Accepter");
    });
  }

  it("accepts a 100-character state and a P36M duration", async () => {
    const res = await sim(`/dataconnect/v2/oauth2/authorize?${authorizeQuery({ state: "s".repeat(100), duration: "P36M" })}`);
    expect(res.status).toBe(200);
  });

  it("v1 accept: records the consent and redirects with code, state and every PDL of the household", async () => {
    const url = await giveConsent("v1", "durand", "accept", "P1Y");
    expect(`${url.origin}${url.pathname}`).toBe(config().redirectUri);
    expect(url.searchParams.get("state")).toBe("state-123");
    expect(url.searchParams.get("usage_point_id")).toBe("09200000000001,09200000000002");
    const code = url.searchParams.get("code")!;
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    const [row] = await drizzle(env.DB).select().from(simulatorConsents).where(eq(simulatorConsents.id, code));
    expect(row.householdId).toBe("durand");
    expect(row.usagePointIds).toBe("09200000000001,09200000000002");
    const lifetimeDays = (Date.parse(row.expiresAt) - Date.parse(row.createdAt)) / 86_400_000;
    expect(lifetimeDays).toBeGreaterThanOrEqual(365);
    expect(lifetimeDays).toBeLessThanOrEqual(366);
  });

  it("v2 accept: redirects with a numeric autorisation_id and state only", async () => {
    const url = await giveConsent("v2", "martin");
    expect(url.searchParams.get("autorisation_id")).toMatch(/^[1-9]\d{11}$/);
    expect(url.searchParams.get("state")).toBe("state-123");
    expect(url.searchParams.has("code")).toBe(false);
    expect(url.searchParams.has("usage_point_id")).toBe(false);
  });

  for (const version of ["v1", "v2"] as const) {
    it(`${version} refuse: redirects with error=access_denied and grants nothing`, async () => {
      const url = await giveConsent(version, "leroy", "refuse");
      expect(url.searchParams.get("error")).toBe("access_denied");
      expect(url.searchParams.get("state")).toBe("state-123");
      expect(url.searchParams.has("code")).toBe(false);
      const token = await getToken();
      const res = await paced("/customers_upc/v5/usage_points?usage_point_id=09400000000001", bearer(token));
      expect(res.status).toBe(403);
    });
  }

  it("refuses a posted form with an unknown household or tampered parameters", async () => {
    const post = (fields: Record<string, string>) =>
      sim("/dataconnect/v1/oauth2/authorize", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
        body: new URLSearchParams({ client_id: config().clientId, duration: "P3Y", response_type: "code", state: "x", decision: "accept", ...fields }),
      });
    expect((await post({ household: "nobody" })).status).toBe(400);
    expect((await post({ household: "martin", client_id: "other" })).status).toBe(400);
    expect((await post({ household: "martin", duration: "P4Y" })).status).toBe(400);
  });
});
