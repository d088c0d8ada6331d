import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env as AppEnv } from "../../src/env";
import app from "../../src/index";
import { simulatorApp } from "../../src/simulator/app";
import { Browser, bearer } from "../support/http";
import { consent } from "../support/consent";

/**
 * comptage_auto may be unsubscribed for the application (403 900908, WSO2's own body): off-peak hours then come from
 * elsewhere (v5's contract in `auto` mode), and never vanish without a trace in the PDL's last_error.
 */
async function get(path: string, secret: string, mode: "new" | "auto") {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost:8000${path}`, { headers: bearer(secret) }), { ...env, ENEDIS_API_MODE: mode }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const offpeakOf = async (res: Response) =>
  ((await res.json()) as { data: { customer: { usage_points: Array<{ contracts: { offpeak_hours?: string } }> } } }).data.customer.usage_points[0].contracts.offpeak_hours;
const lastError = async () => (await env.DB.prepare("SELECT last_error FROM usage_points WHERE usage_point_id = ?").bind("09100000000001").first<{ last_error: string | null }>())?.last_error;

afterEach(() => vi.restoreAllMocks());

describe("off-peak hours when comptage_auto is not subscribed", () => {
  it("new mode: the contract answers without them and last_error says why; auto mode: v5 gives them", async () => {
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "martin");
    const original = simulatorApp.fetch.bind(simulatorApp);
    vi.spyOn(simulatorApp, "fetch").mockImplementation(async (request: Request, ...rest: unknown[]) => {
      if (new URL(request.url).pathname.startsWith("/comptage_auto/")) {
        return Response.json({ fault: { code: 900908, message: "Resource forbidden ", description: "User is NOT authorized to access the Resource. API Subscription validation failed." } }, { status: 403 });
      }
      return original(request, ...(rest as [AppEnv]));
    });

    const withoutThem = await get("/api/enedis/contract/09100000000001?use_cache=false", account.clientSecret, "new");
    expect(withoutThem.status).toBe(200);
    expect(await offpeakOf(withoutThem)).toBeUndefined();
    expect(await lastError()).toBe("OFFPEAK_UNAVAILABLE");
    const status = await get("/api/pdl/09100000000001/status", account.clientSecret, "new");
    expect(((await status.json()) as { data: { last_error?: string } }).data.last_error).toBe("OFFPEAK_UNAVAILABLE");
    // a successful data read does not wipe the note: only a contract with off-peak hours does
    const day = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const next = new Date(Date.now() - 19 * 86_400_000).toISOString().slice(0, 10);
    expect((await get(`/api/enedis/consumption/daily/09100000000001?start=${day}&end=${next}`, account.clientSecret, "new")).status).toBe(200);
    expect(await lastError()).toBe("OFFPEAK_UNAVAILABLE");

    const fromV5 = await get("/api/enedis/contract/09100000000001?use_cache=false", account.clientSecret, "auto");
    expect(fromV5.status).toBe(200);
    expect(await offpeakOf(fromV5)).toBe("HC (22H30-6H30)");
    expect(await lastError()).toBeNull();
  });
});
