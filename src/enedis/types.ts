/**
 * The one upstream interface. Routes and the mirror only see these types; which Enedis generation
 * (v5 "legacy" or Data Connect 2026 "new", or "auto") answered is decided in enedis/client.ts.
 * All shapes handed back are Enedis v5 shapes (API.md), whatever generation answered.
 */

/** The five metering series. */
export type MeteringKind =
  | "consumption_daily"
  | "consumption_load_curve"
  | "consumption_max_power"
  | "production_daily"
  | "production_load_curve";

/** The four customer-data series. */
export type CustomerKind = "contract" | "address" | "identity" | "contact";

export interface IntervalReading {
  value: string;
  /** daily: "YYYY-MM-DD"; load curve: "YYYY-MM-DD hh:mm:ss" local time, END of the interval; max power: time it was reached */
  date: string;
  interval_length?: string; // "PT30M" on load curves
  measure_type?: string; // "B" (brute) … on load curves
}

export interface ReadingType {
  unit: string; // "Wh" | "W" | "VA"
  measurement_kind: string; // "energy" | "power"
  aggregate: string; // "sum" | "average" | "maximum"
  measuring_period?: string; // "P1D" on daily series
}

export interface MeterReading {
  usage_point_id: string;
  start: string;
  end: string;
  quality: string;
  reading_type: ReadingType;
  interval_reading: IntervalReading[];
}

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
}

/** The Enedis APIs whose hourly budgets are counted separately (Data Connect 2026: 1000 calls/hour per API). */
export type EnedisApi =
  | "token"
  | "usage_points"
  | "subscribed_services"
  | MeteringKind
  | CustomerKind;

export interface EnedisClient {
  /** Client-credentials token for the application (ENEDIS_CLIENT_ID / ENEDIS_CLIENT_SECRET). */
  fetchToken(): Promise<EnedisToken>;
  /** One Enedis call: [start, end) must already respect Enedis's per-call limits (7 days for load curves, 365 otherwise). */
  meterReading(accessToken: string, kind: MeteringKind, usagePointId: string, start: string, end: string): Promise<MeterReading>;
  /** v5 shapes of ../shared/enedis-api/openapi/08…11 ({customer: {usage_points: [...]}} etc.). */
  customerData(accessToken: string, kind: CustomerKind, usagePointId: string): Promise<unknown>;
  /** v1 consent: every usage point of the consenting customer (`/customers_upc/v5/usage_points`). */
  usagePointsForV1(accessToken: string, usagePointIds: string[]): Promise<{ customerId?: string; usagePoints: DiscoveredUsagePoint[] }>;
  /** v2 consent: usage points of an `autorisation_id` (`POST /subscribed_services/v1`, services ACTIF + ACCES). */
  usagePointsForV2(accessToken: string, autorisationId: string): Promise<{ usagePoints: DiscoveredUsagePoint[]; consentEndsAt?: string }>;
}

/**
 * How an adapter sends one HTTP request to Enedis. Built in enedis/transport.ts: it prefixes the API host,
 * takes a permit from the global EnedisBudget for `api`, and in simulator mode dispatches in-process.
 */
export type EnedisTransport = (api: EnedisApi, path: string, init?: RequestInit) => Promise<Response>;
