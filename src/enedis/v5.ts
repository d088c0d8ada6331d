/**
 * The legacy Enedis generation (v5 APIs, openapi/03…11): answers already have the gateway's shapes,
 * so this adapter only builds paths, checks the metering shape and maps errors.
 */
import { z } from "zod";
import type { Config } from "../config";
import { discoverUsagePointsV1, discoverUsagePointsV2, fetchApplicationToken } from "./common-endpoints";
import { EnedisUpstreamError } from "./errors";
import { callEnedisJson } from "./transport";
import type { CustomerKind, EnedisClient, EnedisTransport, MeterReading, MeteringKind } from "./types";

/** Paths after the API host (README: the production paths, not the copied swagger's). */
export const V5_METERING_PATHS: Record<MeteringKind, string> = {
  consumption_daily: "/metering_data_dc/v5/daily_consumption",
  consumption_load_curve: "/metering_data_clc/v5/consumption_load_curve",
  consumption_max_power: "/metering_data_dcmp/v5/daily_consumption_max_power",
  production_daily: "/metering_data_dp/v5/daily_production",
  production_load_curve: "/metering_data_plc/v5/production_load_curve",
};

export const V5_CUSTOMER_PATHS: Record<CustomerKind, string> = {
  contract: "/customers_upc/v5/usage_points/contracts",
  address: "/customers_upa/v5/usage_points/addresses",
  identity: "/customers_i/v5/identity",
  contact: "/customers_cd/v5/contact_data",
};

const V5Reading = z.object({
  value: z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number()]).transform(String),
  date: z.string(),
  interval_length: z.string().optional(),
  measure_type: z.string().optional(),
});

const V5MeterReading = z.object({
  meter_reading: z.object({
    usage_point_id: z.string(),
    start: z.string(),
    end: z.string(),
    quality: z.string().default("BRUT"),
    reading_type: z.object({
      unit: z.string(),
      measurement_kind: z.string().default(""),
      aggregate: z.string().default(""),
      measuring_period: z.string().optional(),
    }),
    // Each reading on its own: one without a usable value (null, missing) is that interval missing, never a
    // reason to fail the whole answer.
    interval_reading: z
      .array(z.unknown())
      .default([])
      .transform((readings) => readings.flatMap((r) => {
        const parsed = V5Reading.safeParse(r);
        return parsed.success ? [parsed.data] : [];
      })),
  }),
});

export function createV5Client(transport: EnedisTransport, config: Pick<Config, "clientId" | "clientSecret">): EnedisClient {
  return {
    fetchToken: () => fetchApplicationToken(transport, config),

    async meterReading(accessToken, kind, usagePointId, start, end): Promise<MeterReading> {
      const query = new URLSearchParams({ usage_point_id: usagePointId, start, end });
      const body = await callEnedisJson(transport, kind, `${V5_METERING_PATHS[kind]}?${query}`, accessToken);
      const parsed = V5MeterReading.safeParse(body);
      if (!parsed.success) throw new EnedisUpstreamError(502, "ENEDIS_UNAVAILABLE", "Enedis a envoyé des mesures illisibles.", true, "measure-shape");
      return parsed.data.meter_reading;
    },

    async customerData(accessToken, kind, usagePointId) {
      const query = new URLSearchParams({ usage_point_id: usagePointId });
      return callEnedisJson(transport, kind, `${V5_CUSTOMER_PATHS[kind]}?${query}`, accessToken);
    },

    usagePointsForV1: (accessToken, ids) => discoverUsagePointsV1(transport, accessToken, ids),
    usagePointsForV2: (accessToken, autorisationId, options) => discoverUsagePointsV2(transport, accessToken, autorisationId, options),
  };
}
