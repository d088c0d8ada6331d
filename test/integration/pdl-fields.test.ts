import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bearer, Browser, call } from "../support/http";
import { consent } from "../support/consent";

/** GET /api/pdl answers MyElectricalData's field types (its client stores them in typed columns). */
describe("GET /api/pdl: MyElectricalData's field types", () => {
  it("integer kVA, off-peak ranges, pricing option and activation date, in the list and for one PDL", async () => {
    await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id IN ('09200000000001', '09200000000002')").run();
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "durand");
    const list = (await (await call("/api/pdl", { headers: bearer(account.clientSecret) })).json()) as { data: Array<Record<string, unknown>> };
    const byId = Object.fromEntries(list.data.map((p) => [p.usage_point_id, p]));
    expect(byId["09200000000001"]).toMatchObject({ subscribed_power: 12, offpeak_hours: { ranges: ["23:00-07:00"] }, pricing_option: "HC_HP", activation_date: "2015-09-02" });
    expect(byId["09200000000002"]).toMatchObject({ subscribed_power: 6, offpeak_hours: null, pricing_option: "BASE", activation_date: "2017-06-20" });
    for (const p of list.data) {
      expect(Object.keys(p).sort()).toEqual(
        ["activation_date", "consent_expires_at", "created_at", "has_consumption", "has_production", "is_active", "name", "offpeak_hours", "pricing_option", "subscribed_power", "usage_point_id"].sort(),
      );
    }
    const one = (await (await call("/api/pdl/09200000000001", { headers: bearer(account.clientSecret) })).json()) as { data: unknown };
    expect(one.data).toEqual(byId["09200000000001"]);
  });

  it("a PDL stored before pricing_option existed still reads HC_HP from its off-peak hours; unreadable texts read null", async () => {
    await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = '09100000000001'").run();
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "martin");
    await env.DB.prepare("UPDATE usage_points SET pricing_option = NULL, subscribed_power = 'inconnue', activation_date = '2016-03-14+01:00' WHERE usage_point_id = '09100000000001'").run();
    const one = (await (await call("/api/pdl/09100000000001", { headers: bearer(account.clientSecret) })).json()) as { data: Record<string, unknown> };
    expect(one.data).toMatchObject({ subscribed_power: null, offpeak_hours: { ranges: ["22:30-06:30"] }, pricing_option: "HC_HP", activation_date: null });
  });

  it("the OpenAPI document shows the new types", async () => {
    const doc = (await (await call("/api/openapi.json")).json()) as { components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> } };
    const pdl = doc.components.schemas.Pdl.properties;
    expect(JSON.stringify(pdl.subscribed_power)).toContain('"integer"');
    expect(JSON.stringify(pdl.offpeak_hours)).toContain('"ranges"');
    expect(JSON.stringify(pdl.pricing_option)).toContain("HC_WEEKEND");
    expect(pdl.activation_date).toBeTruthy();
    expect((doc as unknown as { components: { securitySchemes: Record<string, unknown> } }).components.securitySchemes.consoToken).toMatchObject({ type: "http", scheme: "bearer" });
    const paths = Object.keys((doc as unknown as { paths: Record<string, unknown> }).paths);
    for (const p of ["/api/daily_consumption", "/api/consumption_load_curve", "/api/consumption_max_power", "/api/daily_production", "/api/production_load_curve", "/api/accounts/conso-token"]) expect(paths).toContain(p);
  });
});
