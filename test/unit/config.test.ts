import { describe, expect, it } from "vitest";
import { getConfig } from "../../src/config";

const base = { APP_SECRET: "x".repeat(32) } as never;

describe("config", () => {
  it("defaults to the simulator with its in-worker hosts", () => {
    const c = getConfig({ ...(base as object) } as never);
    expect(c.enedisEnv).toBe("simulator");
    expect(c.apiBaseUrl).toBe("http://localhost:8000/simulator");
    expect(c.authorizeUrl).toBe("http://localhost:8000/simulator/dataconnect/v2/oauth2/authorize");
    expect(c.dailyLimitNoCache).toBe(50);
    expect(c.dailyLimitWithCache).toBe(1000);
    expect(c.syncBudgetShare).toBe(0.5);
  });
  it("reads SYNC_BUDGET_SHARE as a share between 0 and 1", () => {
    expect(getConfig({ ...(base as object), SYNC_BUDGET_SHARE: "0.25" } as never).syncBudgetShare).toBe(0.25);
    expect(getConfig({ ...(base as object), SYNC_BUDGET_SHARE: "0" } as never).syncBudgetShare).toBe(0);
    expect(() => getConfig({ ...(base as object), SYNC_BUDGET_SHARE: "1.5" } as never)).toThrow(/SYNC_BUDGET_SHARE/);
    expect(() => getConfig({ ...(base as object), SYNC_BUDGET_SHARE: "half" } as never)).toThrow(/SYNC_BUDGET_SHARE/);
  });
  it("uses Enedis's hosts in production and honours overrides", () => {
    const c = getConfig({ ...(base as object), ENEDIS_ENV: "production", ENEDIS_CLIENT_ID: "a", ENEDIS_CLIENT_SECRET: "b", ENEDIS_AUTHORIZE_VERSION: "v2" } as never);
    expect(c.apiBaseUrl).toBe("https://gw.ext.prod.api.enedis.fr");
    expect(c.authorizeUrl).toBe("https://mon-compte-particulier.enedis.fr/dataconnect/v2/oauth2/authorize");
    const o = getConfig({ ...(base as object), ENEDIS_ENV: "sandbox", ENEDIS_CLIENT_ID: "a", ENEDIS_CLIENT_SECRET: "b", ENEDIS_API_BASE_URL: "http://127.0.0.1:9999/", ENEDIS_AUTHORIZE_URL: "http://127.0.0.1:9999/auth" } as never);
    expect(o.apiBaseUrl).toBe("http://127.0.0.1:9999");
    expect(o.authorizeUrl).toBe("http://127.0.0.1:9999/auth");
  });
  it("refuses production without credentials or a short APP_SECRET", () => {
    expect(() => getConfig({ ...(base as object), ENEDIS_ENV: "production" } as never)).toThrow(/ENEDIS_CLIENT_ID/);
    expect(() => getConfig({ APP_SECRET: "short" } as never)).toThrow(/APP_SECRET/);
  });
});
