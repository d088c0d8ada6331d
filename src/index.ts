import { Hono } from "hono";
import type { Env } from "./env";
import { getConfig, SIMULATOR_PREFIX } from "./config";
import { simulatorApp } from "./simulator/app";

const app = new Hono<{ Bindings: Env }>();

// The simulator exists only in simulator mode: in sandbox/production its paths are plain 404s.
app.use(`${SIMULATOR_PREFIX}/*`, async (c, next) => {
  if (getConfig(c.env).enedisEnv !== "simulator") return c.notFound();
  await next();
});
app.route(SIMULATOR_PREFIX, simulatorApp);

app.get("/health", (c) => c.json({ success: true, data: { ok: true } }));

export default app;
export { EnedisBudget } from "./limits/enedis-budget";
export { AccountGate } from "./limits/account-gate";
export { SimulatorThrottle } from "./simulator/throttle";
