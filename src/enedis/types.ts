import { z } from "@hono/zod-openapi";

/**
 * The one upstream interface. Routes and the mirror only see these types; which Enedis generation
 * (v5 "legacy" or Data Connect 2026 "new", or "auto") answered is decided in enedis/client.ts.
 * All shapes handed back are Enedis v5 shapes (API.md), whatever generation answered.
 */

/** How v2 discovery waits for a consent just given (enedis/common-endpoints.ts). */
export interface DiscoveryOptions {
  /** Pauses before asking an empty list again ([] never asks again). */
  retryDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  maxPages?: number;
}

/** The five metering series. */
export type MeteringKind =
  | "consumption_daily"
  | "consumption_load_curve"
  | "consumption_max_power"
  | "production_daily"
  | "production_load_curve";

/** The four customer-data series. */
export type CustomerKind = "contract" | "address" | "identity" | "contact";

export const IntervalReadingSchema = z
  .object({
    value: z.string().openapi({ example: "540" }),
    /** daily: "YYYY-MM-DD"; load curve: "YYYY-MM-DD hh:mm:ss" local time, END of the interval; max power: when it was reached */
    date: z.string().openapi({ example: "2026-09-29 00:30:00" }),
    interval_length: z.string().optional().openapi({ example: "PT30M" }),
    measure_type: z.string().optional().openapi({ example: "B" }),
  })
  .openapi("IntervalReading");

export const ReadingTypeSchema = z
  .object({
    unit: z.string().openapi({ example: "Wh" }), // "Wh" | "W" | "VA"
    measurement_kind: z.string().openapi({ example: "energy" }), // "energy" | "power"
    aggregate: z.string().openapi({ example: "sum" }), // "sum" | "average" | "maximum"
    measuring_period: z.string().optional().openapi({ example: "P1D" }),
  })
  .openapi("ReadingType");

/** The v5 `meter_reading` the gateway always answers with, whatever Enedis generation answered. */
export const MeterReadingSchema = z
  .object({
    usage_point_id: z.string().openapi({ example: "09100000000001" }),
    start: z.string(),
    end: z.string(),
    quality: z.string().openapi({ example: "BRUT" }),
    reading_type: ReadingTypeSchema,
    interval_reading: z.array(IntervalReadingSchema),
  })
  .openapi("MeterReading");

export type IntervalReading = z.infer<typeof IntervalReadingSchema>;
export type ReadingType = z.infer<typeof ReadingTypeSchema>;
export type MeterReading = z.infer<typeof MeterReadingSchema>;

export interface EnedisToken {
  accessToken: string;
  /** epoch ms */
  expiresAtMs: number;
}

/** A usage point found at consent time, with the summary the gateway keeps in D1. */
export interface DiscoveredUsagePoint {
  usagePointId: string;
  status?: string; // "com" | "no_com" …
  meterType?: string; // "AMM" (Linky) …
  /** v2: this PRM's own consent end (`YYYY-MM-DD`, its service's dateFin) and Enedis's state of it. */
  consentExpiresAt?: string;
  consentStatus?: "ACTIF" | "DEMANDE";
}

/** What a call is for, named the same whatever the generation: used in logs. (Budgets go by BudgetScope.) */
export type EnedisApi =
  | "token"
  | "usage_points"
  | "subscribed_services"
  | MeteringKind
  | CustomerKind;

/**
 * The unit Enedis counts hourly quotas in: one Enedis API (product), named by the first segment of its path —
 * "mesure_synchrone_auto" (all five 2026 measurement resources share it), "situation_contrat_auto",
 * "metering_data_clc", "oauth2"… See enedis/transport.ts `budgetScopeOf`.
 */
export type BudgetScope = string;

export interface EnedisClient {
  /** Client-credentials token for the application (ENEDIS_CLIENT_ID / ENEDIS_CLIENT_SECRET). */
  fetchToken(): Promise<EnedisToken>;
  /** One Enedis call: [start, end) must already respect Enedis's per-call limits (7 days for load curves, 365 otherwise). */
  meterReading(accessToken: string, kind: MeteringKind, usagePointId: string, start: string, end: string): Promise<MeterReading>;
  /** v5 shapes of ../shared/enedis-api/openapi/08…11 ({customer: {usage_points: [...]}} etc.). */
  customerData(accessToken: string, kind: CustomerKind, usagePointId: string): Promise<unknown>;
  /**
   * v1 consent: v5 lists every usage point of the consenting customer (`/customers_upc/v5/usage_points`); 2026
   * confirms each of the redirect's ids (`/situation_contrat_auto/v1/{prm}`) and fails if Enedis refuses one.
   */
  usagePointsForV1(accessToken: string, usagePointIds: string[]): Promise<{ customerId?: string; usagePoints: DiscoveredUsagePoint[] }>;
  /** v2 consent: usage points of an `autorisation_id` (`POST /subscribed_services/v1`, every page, ACCES ACTIF or DEMANDE). */
  usagePointsForV2(accessToken: string, autorisationId: string, options?: DiscoveryOptions): Promise<{ usagePoints: DiscoveredUsagePoint[] }>;
}

/**
 * How an adapter sends one HTTP request to Enedis. Built in enedis/transport.ts: it prefixes the API host,
 * takes a permit from the global EnedisBudget for the path's Enedis API (BudgetScope), retries what may be
 * retried, and in simulator mode dispatches in-process. `api` only labels the call in logs.
 */
export type EnedisTransport = (api: EnedisApi, path: string, init?: RequestInit) => Promise<Response>;
