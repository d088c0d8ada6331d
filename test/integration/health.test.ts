import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { call, ORIGIN } from "../support/http";

/** GET /health checks D1, KV and the Durable Objects (README "Health"); /health/live does no I/O at all. */
async function healthWith(overrides: Partial<Cloudflare.Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}/health`), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const failingD1 = { prepare: () => { throw new Error("D1 is down"); } } as unknown as D1Database;
const failingKv = { get: async () => { throw new Error("KV is down"); } } as unknown as KVNamespace;

describe("GET /health", () => {
  it("answers 200 with every part ok, never stored by a cache, and names no secret", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      success: true,
      data: {
        ok: true,
        checks: { d1: "ok", kv: "ok", durable_objects: "ok" },
        durable_objects: { enedis_budget: "ok", enedis_token: "ok", account_gate: "ok", sync_scheduler: "ok" },
      },
    });
    expect(text).not.toContain(env.APP_SECRET);
  });

  it("answers 503 with Retry-After when D1 fails, and says which part", async () => {
    const res = await healthWith({ DB: failingD1 });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("30");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as { success: boolean; data: { ok: boolean; checks: Record<string, string> } };
    expect(body.success).toBe(false);
    expect(body.data.ok).toBe(false);
    expect(body.data.checks).toEqual({ d1: "error", kv: "ok", durable_objects: "ok" });
  });

  it("answers 503 when KV fails", async () => {
    const res = await healthWith({ KV: failingKv });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { data: { checks: Record<string, string> } };
    expect(body.data.checks).toEqual({ d1: "ok", kv: "error", durable_objects: "ok" });
  });

  it("answers 503 when a Durable Object does not answer", async () => {
    const broken = { idFromName: () => { throw new Error("no such namespace"); } } as unknown as Cloudflare.Env["ENEDIS_TOKEN"];
    const res = await healthWith({ ENEDIS_TOKEN: broken });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { data: { checks: Record<string, string>; durable_objects: Record<string, string> } };
    expect(body.data.checks.durable_objects).toBe("error");
    expect(body.data.durable_objects).toMatchObject({ enedis_token: "error", enedis_budget: "ok", account_gate: "ok", sync_scheduler: "ok" });
  });

  it("/health/live answers without touching any binding", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${ORIGIN}/health/live`), { ...env, DB: failingD1, KV: failingKv }, ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true, data: { ok: true } });
  });
});
