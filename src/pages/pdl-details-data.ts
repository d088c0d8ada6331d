import { readDays } from "../cache/store";
import { addDays, todayInParis } from "../enedis/dates";
import type { CustomerKind, IntervalReading, MeteringKind } from "../enedis/types";
import { AppError } from "../http/errors";
import type { MirrorContext } from "../mirror/context";
import { readCustomerData } from "../mirror/customer";
import { readCachedReadings, readMetering } from "../mirror/metering";

/** What the details page shows of one part (contract, address, a series): the data or a French sentence. */
export type Part<T> = { value: T } | { error: string };

export interface PdlDetailsData {
  contract: Part<unknown>;
  address: Part<unknown>;
  consumption: Part<IntervalReading[]> | null;
  production: Part<IntervalReading[]> | null;
}

/**
 * "full": through the mirror (cache, then Enedis; counts quota). "cached": only what the cache already holds —
 * no Enedis call, no quota — for a GET another site may have caused (SECURITY.md property 5).
 */
export type ReadMode = "full" | "cached";

/**
 * Full reads only for a navigation from our own pages, a typed URL or bookmark ("none"), or a client that sends
 * no Fetch Metadata; a link or embed from any other site, same-site included, gets the cached view.
 */
export function readModeOf(secFetchSite: string | undefined): ReadMode {
  return secFetchSite === undefined || secFetchSite === "same-origin" || secFetchSite === "none" ? "full" : "cached";
}

const NOT_CACHED = "Pas encore en cache : « Charger le reste » le demande à Enedis.";

const MIRROR_ERRORS: Partial<Record<AppError["code"], string>> = {
  CONSENT_REQUIRED: "Consentement Enedis absent, révoqué ou expiré : renouvelez-le depuis le tableau de bord.",
  NOT_OWNER: "Ce point de livraison n'est plus à votre nom chez Enedis.",
  NO_DATA: "Enedis n'a pas de données pour cette période.",
  QUOTA_EXCEEDED: "Quota du jour atteint : réessayez après minuit UTC.",
  ENEDIS_BUSY: "Enedis est très sollicité : réessayez dans une minute.",
  ENEDIS_UNAVAILABLE: "Enedis ne répond pas pour l'instant : réessayez plus tard.",
  PDL_DISABLED: "Point de livraison désactivé.",
};

/** Turns a mirror error into a French sentence for the page; anything else is a real failure and propagates. */
async function attempt<T>(run: () => Promise<T>): Promise<Part<T>> {
  try {
    return { value: await run() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error: MIRROR_ERRORS[error.code] ?? "Données indisponibles pour l'instant." };
  }
}

/** Customer data cached under day "current" (mirror/customer.ts), read without counting a request. */
async function cachedCustomerData(ctx: MirrorContext, kind: CustomerKind): Promise<Part<unknown>> {
  const slot = { env: ctx.env, userId: ctx.caller.userId, usagePointId: ctx.pdl.usagePointId, kind, dataKey: ctx.caller.dataKey };
  const hit = (await readDays<unknown>(slot, ["current"])).get("current");
  return hit === undefined ? { error: NOT_CACHED } : { value: hit };
}

async function cachedSeries(ctx: MirrorContext, kind: MeteringKind, range: { start: string; end: string }): Promise<Part<IntervalReading[]>> {
  const readings = await readCachedReadings(ctx, kind, range);
  return readings.length === 0 ? { error: NOT_CACHED } : { value: readings };
}

/** Contract, address and the last 30 days of each series the PDL has, read as `mode` allows. */
export async function loadPdlDetails(ctx: MirrorContext, mode: ReadMode): Promise<PdlDetailsData> {
  const { pdl } = ctx;
  if (!pdl.isActive) {
    // A disabled PDL reads nothing (no Enedis call, no quota), like the API's PDL_DISABLED.
    const off = { error: "Point de livraison désactivé : réactivez-le pour lire ses données." };
    return { contract: off, address: off, consumption: pdl.hasConsumption ? off : null, production: pdl.hasProduction ? off : null };
  }
  const today = todayInParis(new Date());
  const range = { start: addDays(today, -30), end: today };
  const customer = (kind: CustomerKind) =>
    mode === "cached" ? cachedCustomerData(ctx, kind) : attempt(async () => (await readCustomerData({ ...ctx }, kind, { useCache: true })).data);
  const series = (kind: MeteringKind) =>
    mode === "cached" ? cachedSeries(ctx, kind, range) : attempt(async () => (await readMetering({ ...ctx }, kind, range, { useCache: true })).data.meter_reading.interval_reading);
  const [contract, address, consumption, production] = await Promise.all([
    customer("contract"),
    customer("address"),
    pdl.hasConsumption ? series("consumption_daily") : null,
    pdl.hasProduction ? series("production_daily") : null,
  ]);
  return { contract, address, consumption, production };
}
