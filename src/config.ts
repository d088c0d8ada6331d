import { z } from "zod";
import type { Env } from "./env";

/** Where the simulator is mounted in this worker when ENEDIS_ENV=simulator. */
export const SIMULATOR_PREFIX = "/simulator";
/** Credentials the simulator accepts when none are configured (simulator mode only). */
export const SIMULATOR_CLIENT_ID = "simulator-client-id";
export const SIMULATOR_CLIENT_SECRET = "simulator-client-secret";

const HOSTS = {
  sandbox: { api: "https://gw.ext.prod-sandbox.api.enedis.fr", consent: "https://mon-compte-particulier.enedis.fr" },
  production: { api: "https://gw.ext.prod.api.enedis.fr", consent: "https://mon-compte-particulier.enedis.fr" },
} as const;

const positiveInt = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? fallback : Number(v)))
    .pipe(z.number().int().positive());

const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim().replace(/\/+$/, "") : undefined))
  .pipe(z.url().optional());

const EnvSchema = z.object({
  ENEDIS_ENV: z.enum(["simulator", "sandbox", "production"]).default("simulator"),
  ENEDIS_API_BASE_URL: optionalUrl,
  ENEDIS_AUTHORIZE_URL: optionalUrl,
  ENEDIS_CLIENT_ID: z.string().optional(),
  ENEDIS_CLIENT_SECRET: z.string().optional(),
  ENEDIS_REDIRECT_URI: z.url().default("http://localhost:8000/oauth/callback"),
  ENEDIS_API_MODE: z.enum(["new", "legacy", "auto"]).default("new"),
  ENEDIS_AUTHORIZE_VERSION: z.enum(["v1", "v2"]).default("v2"),
  ENEDIS_RATE_LIMIT: positiveInt(5),
  ENEDIS_HOURLY_LIMIT: positiveInt(1000),
  APP_SECRET: z.string().min(32, "APP_SECRET must be at least 32 characters"),
  APP_SECRET_PREVIOUS: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() !== "" ? v : undefined))
    .pipe(z.string().min(32, "APP_SECRET_PREVIOUS must be at least 32 characters").optional()),
  // client_ids, not emails: emails are never verified, so anybody could register an administrator's address.
  ADMIN_CLIENT_IDS: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(",").map((id) => id.trim()).filter(Boolean)),
  USER_DAILY_LIMIT_NO_CACHE: positiveInt(50),
  USER_DAILY_LIMIT_WITH_CACHE: positiveInt(1000),
  // A share, not a count: it must scale with ENEDIS_HOURLY_LIMIT. 0 switches background sync's Enedis calls off.
  SYNC_BUDGET_SHARE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? 0.5 : Number(v)))
    .pipe(z.number().min(0).max(1)),
});

export interface Config {
  enedisEnv: "simulator" | "sandbox" | "production";
  /** API host, without trailing slash. In simulator mode: `${origin}/simulator` of this worker, reached in-process. */
  apiBaseUrl: string;
  /** Full consent page URL without query, for the configured authorize version. */
  authorizeUrl: string;
  authorizeVersion: "v1" | "v2";
  apiMode: "new" | "legacy" | "auto";
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  rateLimitPerSecond: number;
  hourlyLimitPerApi: number;
  appSecret: string;
  /** The server key being rotated out, if any (never equal to appSecret: the same key twice is no rotation). */
  appSecretPrevious?: string;
  adminClientIds: string[];
  dailyLimitNoCache: number;
  dailyLimitWithCache: number;
  /** Share (0..1) of each Enedis API's hourly budget that background sync may use; interactive requests keep the rest. */
  syncBudgetShare: number;
}

export class ConfigError extends Error {}

const cache = new WeakMap<object, Config>();

/**
 * Parses the environment once per isolate (the env object is stable for an isolate's lifetime).
 * A misconfiguration throws ConfigError, which onError turns into a 500 without details.
 */
export function getConfig(env: Env): Config {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => i.path.join(".") + " " + i.message).join("; ")}`);
  }
  const v = parsed.data;
  const simulator = v.ENEDIS_ENV === "simulator";
  if (!simulator && (!v.ENEDIS_CLIENT_ID || !v.ENEDIS_CLIENT_SECRET)) {
    throw new ConfigError("ENEDIS_CLIENT_ID and ENEDIS_CLIENT_SECRET are required unless ENEDIS_ENV=simulator");
  }
  const redirectOrigin = new URL(v.ENEDIS_REDIRECT_URI).origin;
  const simulatorBase = `${redirectOrigin}${SIMULATOR_PREFIX}`;
  const apiBaseUrl = v.ENEDIS_API_BASE_URL ?? (simulator ? simulatorBase : HOSTS[v.ENEDIS_ENV as "sandbox" | "production"].api);
  const consentHost = simulator ? simulatorBase : HOSTS[v.ENEDIS_ENV as "sandbox" | "production"].consent;
  const config: Config = {
    enedisEnv: v.ENEDIS_ENV,
    apiBaseUrl,
    authorizeUrl: v.ENEDIS_AUTHORIZE_URL ?? `${consentHost}/dataconnect/${v.ENEDIS_AUTHORIZE_VERSION}/oauth2/authorize`,
    authorizeVersion: v.ENEDIS_AUTHORIZE_VERSION,
    apiMode: v.ENEDIS_API_MODE,
    clientId: v.ENEDIS_CLIENT_ID || SIMULATOR_CLIENT_ID,
    clientSecret: v.ENEDIS_CLIENT_SECRET || SIMULATOR_CLIENT_SECRET,
    redirectUri: v.ENEDIS_REDIRECT_URI,
    rateLimitPerSecond: v.ENEDIS_RATE_LIMIT,
    hourlyLimitPerApi: v.ENEDIS_HOURLY_LIMIT,
    appSecret: v.APP_SECRET,
    appSecretPrevious: v.APP_SECRET_PREVIOUS === v.APP_SECRET ? undefined : v.APP_SECRET_PREVIOUS,
    adminClientIds: v.ADMIN_CLIENT_IDS,
    dailyLimitNoCache: v.USER_DAILY_LIMIT_NO_CACHE,
    dailyLimitWithCache: v.USER_DAILY_LIMIT_WITH_CACHE,
    syncBudgetShare: v.SYNC_BUDGET_SHARE,
  };
  cache.set(env, config);
  return config;
}
