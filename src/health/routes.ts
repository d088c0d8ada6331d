import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { checkHealth } from "./checks";

/** Seconds a monitor is told to wait after a 503 (API.md: Retry-After with every 503). */
const RETRY_AFTER_S = 30;

export const healthRoutes = new Hono<AppEnv>();

/**
 * GET /health: D1, KV and the Durable Objects answer (README "Health"). 200 when all do, 503 when one does not —
 * what a monitor or a deploy check reads. `success` says whether the gateway is healthy; `data` says which part is not.
 */
healthRoutes.get("/health", async (c) => {
  const report = await checkHealth(c.env);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (!report.ok) headers["Retry-After"] = String(RETRY_AFTER_S);
  return c.json({ success: report.ok, data: report }, report.ok ? 200 : 503, headers);
});

// Liveness without any I/O: the benchmark's baseline (the cost of answering at all) and a load balancer's probe.
healthRoutes.get("/health/live", (c) => c.json({ success: true, data: { ok: true } }, 200, { "Cache-Control": "no-store" }));
