import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { bearer, call, json, apiSignup } from "../support/http";

describe("daily clean-up (cron)", () => {
  it("removes expired access tokens and consent states, keeps live ones", async () => {
    const a = await apiSignup();
    const login = async () => ((await (await call("/api/accounts/login", json({ email: a.email, password: a.password }))).json()) as { data: { access_token: string } }).data.access_token;
    const expired = await login();
    const live = await login();
    await call("/api/oauth/authorize", { headers: bearer(a.clientSecret) });
    // age everything but the last token
    await env.DB.prepare("UPDATE auth_tokens SET expires_at_ms = 1").run();
    await env.DB.prepare("UPDATE consent_states SET expires_at_ms = 1").run();
    const fresh = await login();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);

    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM auth_tokens").first<{ n: number }>();
    expect(left?.n).toBe(1);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM consent_states").first<{ n: number }>())?.n).toBe(0);
    expect((await call("/api/accounts/me", { headers: bearer(fresh) })).status).toBe(200);
    expect((await call("/api/accounts/me", { headers: bearer(expired) })).status).toBe(401);
    expect((await call("/api/accounts/me", { headers: bearer(live) })).status).toBe(401);
  });

  it("drops the per-PDL Enedis token records of earlier releases, and nothing else", async () => {
    await env.KV.put("tok:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "g1.old.record");
    await env.KV.put("tok:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "g1.old.record");
    await env.KV.put("enedis-app-token", "g1.current.token", { expirationTtl: 3600 });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "17 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await env.KV.list({ prefix: "tok:" })).keys).toEqual([]);
    expect(await env.KV.get("enedis-app-token")).toBe("g1.current.token");
  });
});
