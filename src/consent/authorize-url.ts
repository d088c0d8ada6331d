import type { Config } from "../config";

/** Enedis consent lasts at most 3 years; the gateway always asks for the maximum (the seed's P36M). */
export const CONSENT_DURATION = "P36M";

/** The consent page URL: `…/dataconnect/v1|v2/oauth2/authorize?client_id&duration&response_type=code&state`. */
export function authorizeUrl(config: Config, state: string): string {
  const url = new URL(config.authorizeUrl);
  url.searchParams.set("client_id", config.clientId);
  url.searchParams.set("duration", CONSENT_DURATION);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("state", state);
  return url.toString();
}

/** When a consent given now ends (36 months), ISO date. */
export function consentEndFrom(now: Date): string {
  const end = new Date(now);
  end.setUTCMonth(end.getUTCMonth() + 36);
  return end.toISOString();
}
