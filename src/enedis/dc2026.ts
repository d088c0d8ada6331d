/**
 * The Data Connect 2026 generation (data-connect-2026/*.yaml): French measurement APIs and English
 * contract APIs with the PRM in the path. Every answer is converted to the v5 shape (convert.ts).
 */
import type { Config } from "../config";
import { AppError } from "../http/errors";
import { confirmUsagePointsV1, discoverUsagePointsV2, fetchApplicationToken } from "./common-endpoints";
import { addressToV5, contactToV5, contractToV5, identityToV5, measurementToMeterReading } from "./convert";
import { EnedisUpstreamError } from "./errors";
import { noteOffpeakMissing } from "./offpeak-note";
import { callEnedisJson } from "./transport";
import type { CustomerKind, EnedisClient, EnedisTransport, MeteringKind } from "./types";

const MEASURES = "/mesure_synchrone_auto/v2";

export const DC2026_METERING: Record<MeteringKind, { path: string; extraQuery?: Record<string, string> }> = {
  consumption_daily: { path: `${MEASURES}/consommation_quotidienne` },
  consumption_load_curve: { path: `${MEASURES}/courbe_de_charge_consommation` },
  // Both parameters are required by the swagger; PMA = the "single-phase equivalent" maximum v5 gave.
  consumption_max_power: { path: `${MEASURES}/puissance_conso_max_quotidienne`, extraQuery: { mesuresPas: "P1D", grandeurPhysique: "PMA" } },
  production_daily: { path: `${MEASURES}/production_quotidienne` },
  production_load_curve: { path: `${MEASURES}/courbe_de_charge_production` },
};

/** PRM in the path: as a query parameter these APIs answer 500. */
export const DC2026_CUSTOMER_PATHS = {
  situation: (prm: string) => `/situation_contrat_auto/v1/${prm}`,
  synthesis: (prm: string) => `/synth_contrat_auto/v1/${prm}`,
  metering: (prm: string) => `/comptage_auto/v1/${prm}`,
  generalData: (prm: string) => `/donnees_generales_auto/v1/${prm}`,
};

/**
 * Off-peak hours are optional in the contract: when `comptage_auto` is not subscribed (403 900908), down, or has
 * nothing for the point, the contract answers without them, noted (offpeak-note.ts). Consent, ownership and
 * throttling errors still stop the whole call.
 */
async function optionalPart(call: Promise<unknown>): Promise<{ value?: unknown; missing?: string }> {
  try {
    return { value: await call };
  } catch (err) {
    if (err instanceof EnedisUpstreamError && (err.fallbackToLegacy || err.code === "NO_DATA")) return { missing: err.upstreamCode ?? err.code };
    throw err;
  }
}

export function createDc2026Client(transport: EnedisTransport, config: Pick<Config, "clientId" | "clientSecret">): EnedisClient {
  const get = (kind: MeteringKind | CustomerKind, path: string, accessToken: string) => callEnedisJson(transport, kind, path, accessToken);

  return {
    fetchToken: () => fetchApplicationToken(transport, config),

    async meterReading(accessToken, kind, usagePointId, start, end) {
      const { path, extraQuery } = DC2026_METERING[kind];
      const query = new URLSearchParams({ pointId: usagePointId, dateDebut: start, dateFin: end, ...extraQuery });
      const body = await get(kind, `${path}?${query}`, accessToken);
      return measurementToMeterReading(kind, body, { usagePointId, start, end });
    },

    async customerData(accessToken, kind, usagePointId) {
      // It goes into a path: never let anything else than 14 digits through.
      if (!/^\d{14}$/.test(usagePointId)) throw new AppError(400, "INVALID_USAGE_POINT_ID", "Identifiant de point de livraison invalide (14 chiffres).");
      switch (kind) {
        case "contract": {
          // Three Enedis APIs, each budgeted on its own (transport.ts budgets by the path's API).
          const [situation, synthesis, metering] = await Promise.all([
            get(kind, DC2026_CUSTOMER_PATHS.situation(usagePointId), accessToken),
            get(kind, DC2026_CUSTOMER_PATHS.synthesis(usagePointId), accessToken),
            optionalPart(get(kind, DC2026_CUSTOMER_PATHS.metering(usagePointId), accessToken)),
          ]);
          const contract = contractToV5(usagePointId, situation, synthesis, metering.value) as object;
          return metering.missing ? noteOffpeakMissing(contract, metering.missing) : contract;
        }
        case "address":
          return addressToV5(usagePointId, await get(kind, DC2026_CUSTOMER_PATHS.generalData(usagePointId), accessToken));
        case "identity":
          return identityToV5(await get("contract", DC2026_CUSTOMER_PATHS.situation(usagePointId), accessToken));
        case "contact":
          return contactToV5(await get("contract", DC2026_CUSTOMER_PATHS.situation(usagePointId), accessToken));
      }
    },

    // v5 is switched off in this generation: the redirect's ids are confirmed one by one instead of listed.
    usagePointsForV1: (accessToken, ids) => confirmUsagePointsV1(transport, accessToken, ids),
    usagePointsForV2: (accessToken, autorisationId, options) => discoverUsagePointsV2(transport, accessToken, autorisationId, options),
  };
}
