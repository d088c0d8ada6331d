import type { AccountGate } from "./limits/account-gate";
import type { EnedisBudget } from "./limits/enedis-budget";
import type { SimulatorThrottle } from "./simulator/throttle";
import type { EnedisTokenKeeper } from "./limits/token-keeper";
import type { SyncScheduler } from "./sync/scheduler";

/** Bindings and variables of the worker (wrangler.toml, `.dev.vars`, secrets). Parsed once into `Config` by config.ts. */
export interface Env {
  DB: D1Database;
  KV: KVNamespace;
  ASSETS?: Fetcher;
  ENEDIS_BUDGET: DurableObjectNamespace<EnedisBudget>;
  ACCOUNT_GATE: DurableObjectNamespace<AccountGate>;
  ENEDIS_TOKEN: DurableObjectNamespace<EnedisTokenKeeper>;
  SIMULATOR_THROTTLE: DurableObjectNamespace<SimulatorThrottle>;
  SYNC_SCHEDULER: DurableObjectNamespace<SyncScheduler>;

  ENEDIS_ENV?: string;
  ENEDIS_API_BASE_URL?: string;
  ENEDIS_AUTHORIZE_URL?: string;
  ENEDIS_CLIENT_ID?: string;
  ENEDIS_CLIENT_SECRET?: string;
  ENEDIS_REDIRECT_URI?: string;
  ENEDIS_API_MODE?: string;
  ENEDIS_AUTHORIZE_VERSION?: string;
  ENEDIS_RATE_LIMIT?: string;
  ENEDIS_HOURLY_LIMIT?: string;
  SYNC_BUDGET_SHARE?: string;
  APP_SECRET?: string;
  /** The server key being rotated out (API.md): what was made under it is still accepted and re-made under APP_SECRET. */
  APP_SECRET_PREVIOUS?: string;
  ADMIN_CLIENT_IDS?: string;
  USER_DAILY_LIMIT_NO_CACHE?: string;
  USER_DAILY_LIMIT_WITH_CACHE?: string;
  /** "false" switches background sync off for the whole gateway (no new alarms); default on. */
  SYNC_ENABLED?: string;
}
