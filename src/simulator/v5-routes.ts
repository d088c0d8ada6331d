/** Enedis v5 ("legacy") APIs: the v1 consent's discovery, five metering series and four customer-data APIs. */
import { Hono } from "hono";
import { checkAccess } from "./access";
import { v5Address, v5Contact, v5Contract, v5Identity, v5UsagePoints } from "./customer-data";
import { invalidRequest, noConsent } from "./errors";
import { enedisCall, sendFailure, type SimulatorEnv } from "./guard";
import { findUsagePoint, type SimulatedHousehold, type SimulatedUsagePoint } from "./households";
import { liveConsentFor } from "./consents";
import { meteringAnswer } from "./metering";
import { isUsagePointId, type MeteringSeries } from "./rules";

export const v5Routes = new Hono<SimulatorEnv>();

const METERING: Array<[string, MeteringSeries]> = [
  ["/metering_data_dc/v5/daily_consumption", "consumption_daily"],
  ["/metering_data_clc/v5/consumption_load_curve", "consumption_load_curve"],
  ["/metering_data_dcmp/v5/daily_consumption_max_power", "consumption_max_power"],
  ["/metering_data_dp/v5/daily_production", "production_daily"],
  ["/metering_data_plc/v5/production_load_curve", "production_load_curve"],
];

for (const [path, series] of METERING) {
  v5Routes.get(path, enedisCall("v5", path, "v5"), async (c) => {
    const answer = await meteringAnswer(
      c.env,
      "v5",
      series,
      { usagePointId: c.req.query("usage_point_id"), start: c.req.query("start"), end: c.req.query("end") },
      c.var.clientId,
      c.var.nowMs,
    );
    return answer.status === 200 ? c.json(answer.body) : sendFailure(c, answer);
  });
}

const CUSTOMER: Array<[string, (h: SimulatedHousehold, p: SimulatedUsagePoint) => unknown]> = [
  ["/customers_upc/v5/usage_points/contracts", v5Contract],
  ["/customers_upa/v5/usage_points/addresses", v5Address],
  ["/customers_i/v5/identity", (h) => v5Identity(h)],
  ["/customers_cd/v5/contact_data", (h) => v5Contact(h)],
];

const missingId = invalidRequest("v5", "usage_point_id parameter is required.", "");
const badId = invalidRequest("v5", "usage_point_id parameter must be 14 digits long", "");

for (const [path, shape] of CUSTOMER) {
  v5Routes.get(path, enedisCall("v5", path, "v5"), async (c) => {
    const id = c.req.query("usage_point_id");
    if (!id) return sendFailure(c, missingId);
    if (!isUsagePointId(id)) return sendFailure(c, badId);
    const access = await checkAccess(c.env, "v5", c.var.clientId, id, c.var.nowMs);
    if (!access.ok) return sendFailure(c, access.failure);
    return c.json(shape(access.household, access.point));
  });
}

/**
 * v1 consent discovery: the ids of the consent redirect (separated by "," or ";") → every usage point
 * of the customer who owns them. Each id must be covered by a live consent.
 */
const DISCOVERY = "/customers_upc/v5/usage_points";
v5Routes.get(DISCOVERY, enedisCall("v5", DISCOVERY, "v5"), async (c) => {
  const raw = c.req.query("usage_point_id");
  if (!raw) return sendFailure(c, missingId);
  const ids = raw.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0 || !ids.every(isUsagePointId)) return sendFailure(c, badId);
  let household: SimulatedHousehold | undefined;
  for (const id of ids) {
    const found = findUsagePoint(id);
    const consent = found && (await liveConsentFor(c.env, c.var.clientId, id, new Date(c.var.nowMs)));
    if (!found || !consent) return sendFailure(c, noConsent("v5"));
    // Ids of two different customers cannot come from one consent.
    if (household && household.id !== found.household.id) return sendFailure(c, noConsent("v5"));
    household = found.household;
  }
  return c.json(v5UsagePoints(household!));
});
