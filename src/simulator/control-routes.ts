/**
 * `/_control/*`: levers for tests, demos and the benchmark (simulator mode only, like the rest of
 * `/simulator`): revoke a household's consent, queue faults, pick the error-body shape, time the v2
 * consent's listing, make a PRM fail with `technical_error`, read and reset call statistics.
 */
import { Hono } from "hono";
import { z } from "zod";
import { revokeConsentsFor } from "./consents";
import { ErrorShape } from "./error-shapes";
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

const ErrorShapeRequest = z.object({ shape: ErrorShape });

const HOUR_MS = 3_600_000;
const ConsentTimingRequest = z.object({
  hidden_ms: z.number().int().min(0).max(24 * HOUR_MS),
  demande_ms: z.number().int().min(0).max(24 * HOUR_MS),
});

/** Either a duration or a number of calls, not both. */
const TechnicalErrorRequest = z
  .object({
    usage_point_id: z.string().regex(/^\d{14}$/),
    for_seconds: z.number().int().min(1).max(7 * 86_400).optional(),
    count: z.number().int().min(1).max(1000).optional(),
  })
  .refine((b) => (b.for_seconds === undefined) !== (b.count === undefined), { message: "give for_seconds or count, not both" });

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

controlRoutes.post("/error-shape", async (c) => {
  const body = await jsonBody(ErrorShapeRequest, c.req.raw);
  if (!body.ok) return c.json({ error: "invalid_request", message: body.message }, 400);
  const levers = await simulatorThrottle(c.env).setErrorShape(body.data.shape);
  return c.json({ shape: levers.errorShape });
});

controlRoutes.post("/consent-timing", async (c) => {
  const body = await jsonBody(ConsentTimingRequest, c.req.raw);
  if (!body.ok) return c.json({ error: "invalid_request", message: body.message }, 400);
  const { consentTiming } = await simulatorThrottle(c.env).setConsentTiming({ hiddenMs: body.data.hidden_ms, demandeMs: body.data.demande_ms });
  return c.json({ hidden_ms: consentTiming.hiddenMs, demande_ms: consentTiming.demandeMs });
});

controlRoutes.post("/technical-error", async (c) => {
  const body = await jsonBody(TechnicalErrorRequest, c.req.raw);
  if (!body.ok) return c.json({ error: "invalid_request", message: body.message }, 400);
  const { usage_point_id, for_seconds, count } = body.data;
  if (count !== undefined) {
    await simulatorThrottle(c.env).addTechnicalError(usage_point_id, { remaining: count });
    return c.json({ usage_point_id, remaining: count });
  }
  const untilMs = Date.now() + for_seconds! * 1000;
  await simulatorThrottle(c.env).addTechnicalError(usage_point_id, { untilMs });
  return c.json({ usage_point_id, until: new Date(untilMs).toISOString() });
});

controlRoutes.get("/levers", async (c) => {
  const throttle = simulatorThrottle(c.env);
  const [levers, spells] = await Promise.all([throttle.levers(), throttle.technicalErrors()]);
  const technical = Object.fromEntries(
    Object.entries(spells).map(([prm, s]) => [prm, s.remaining !== undefined ? { remaining: s.remaining } : { until: new Date(s.untilMs!).toISOString() }]),
  );
  return c.json({
    error_shape: levers.errorShape,
    consent_timing: { hidden_ms: levers.consentTiming.hiddenMs, demande_ms: levers.consentTiming.demandeMs },
    technical_errors: technical,
  });
});

controlRoutes.get("/stats", async (c) => c.json(await simulatorThrottle(c.env).stats()));

controlRoutes.post("/reset", async (c) => {
  await simulatorThrottle(c.env).reset();
  return c.json({ reset: true });
});
