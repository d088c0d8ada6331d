/**
 * `/_control/*`: levers for tests, demos and the benchmark (simulator mode only, like the rest of
 * `/simulator`): revoke a household's consent, queue faults, read and reset call statistics.
 */
import { Hono } from "hono";
import { z } from "zod";
import { revokeConsentsFor } from "./consents";
import type { SimulatorEnv } from "./guard";
import { simulatorThrottle } from "./throttle";

export const controlRoutes = new Hono<SimulatorEnv>();

const RevokeRequest = z.object({ usage_point_id: z.string().regex(/^\d{14}$/) });

const FaultRequest = z.object({
  /** Path prefix of the API to fail, e.g. "metering_data_clc" or "mesure_synchrone_auto/v2/consommation_quotidienne"; all APIs when absent. */
  api: z.string().min(1).max(200).optional(),
  usage_point_id: z.string().regex(/^\d{14}$/).optional(),
  status: z.union([z.literal(500), z.literal(503), z.literal(429), z.literal(401)]),
  count: z.number().int().min(1).max(1000).default(1),
});

async function jsonBody<T>(schema: z.ZodType<T>, request: Request): Promise<{ ok: true; data: T } | { ok: false; message: string }> {
  const parsed = schema.safeParse(await request.json().catch(() => undefined));
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, message: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") };
}

/**
 * The levers can reset counters and inject failures: only for whoever runs the simulator on their own machine
 * (tests, `npm run bench`, a local demo), never for visitors of a deployed demo.
 */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "simulator.internal"]); // the last: in-process calls

controlRoutes.use("*", async (c, next) => {
  if (!LOOPBACK_HOSTS.has(new URL(c.req.url).hostname)) return c.json({ error: "not_found" }, 404);
  await next();
  c.header("Cache-Control", "no-store");
});

controlRoutes.post("/revoke", async (c) => {
  const body = await jsonBody(RevokeRequest, c.req.raw);
  if (!body.ok) return c.json({ error: "invalid_request", message: body.message }, 400);
  return c.json({ revoked: await revokeConsentsFor(c.env, body.data.usage_point_id) });
});

controlRoutes.post("/faults", async (c) => {
  const body = await jsonBody(FaultRequest, c.req.raw);
  if (!body.ok) return c.json({ error: "invalid_request", message: body.message }, 400);
  const { api, usage_point_id, status, count } = body.data;
  const pending = await simulatorThrottle(c.env).addFault({ api, usagePointId: usage_point_id, status, remaining: count });
  return c.json({ pending_faults: pending });
});

controlRoutes.get("/stats", async (c) => c.json(await simulatorThrottle(c.env).stats()));

controlRoutes.post("/reset", async (c) => {
  await simulatorThrottle(c.env).reset();
  return c.json({ reset: true });
});
