import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { accountsApi } from "./accounts/api";
import { dashboardActions } from "./accounts/dashboard-actions";
import { accountPages } from "./accounts/pages";
import { adminApi } from "./admin/api";
import { adminPage } from "./admin/page";
import { getConfig, SIMULATOR_PREFIX } from "./config";
import { consentApi, consentPages } from "./consent/routes";
import { consoApi } from "./conso/routes";
import { consoDashboardActions } from "./conso/dashboard-actions";
import { AppError } from "./http/errors";
import { healthRoutes } from "./health/routes";
import { onError } from "./http/on-error";
import { securityHeaders } from "./http/security-headers";
import type { AppEnv } from "./http/types";
import { createApi } from "./http/validation";
import { mirrorApi } from "./mirror/routes";
import { docsPage, documentApi } from "./openapi";
import { dashboardPage } from "./pages/dashboard";
import { homePage } from "./pages/home";
import { runDailyMaintenance } from "./maintenance/daily";
import type { Env } from "./env";
import { pdlDetailsPage } from "./pages/pdl-details";
import { energyPage } from "./pages/energy/routes";
import { pdlApi } from "./pdl/routes";
import { simulatorApp } from "./simulator/app";
import { syncDashboardActions } from "./sync/dashboard-actions";

const app = new Hono<AppEnv>();

app.use("*", securityHeaders);
// Bodies are small everywhere (forms, JSON commands): cap them before anything parses them.
app.use(
  "*",
  bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new AppError(413, "PAYLOAD_TOO_LARGE", "Corps de requête trop volumineux (64 Kio au plus).");
    },
  }),
);
// SECURITY.md 5: no browser or shared cache keeps anything the worker answers — pages behind login, pages that
// show a secret, form results, API answers, error pages alike. Static files (public/) are served by the platform.
app.use("*", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
// Page forms: Origin / Sec-Fetch-Site check (SECURITY.md 5). /api is covered in http/auth.ts (cookie callers only);
// the simulator plays Enedis, whose machine clients (token endpoint, control levers) send no Origin.
const CSRF_EXEMPT = ["/api/", `${SIMULATOR_PREFIX}/`];
app.use("*", async (c, next) => (CSRF_EXEMPT.some((p) => c.req.path.startsWith(p)) ? next() : csrf()(c, next)));

// The simulator exists only in simulator mode: in sandbox/production its paths are plain 404s.
app.use(`${SIMULATOR_PREFIX}/*`, async (c, next) => {
  if (getConfig(c.env).enedisEnv !== "simulator") return c.notFound();
  await next();
});
app.route(SIMULATOR_PREFIX, simulatorApp);

app.route("/", homePage);
app.route("/", accountPages);
app.route("/", dashboardPage);
app.route("/", dashboardActions);
app.route("/", consoDashboardActions);
app.route("/", syncDashboardActions);
app.route("/", pdlDetailsPage);
app.route("/", energyPage);
app.route("/", consentPages);
app.route("/", adminPage);
app.route("/", docsPage);

const api = createApi().basePath("/api");
api.route("/accounts", accountsApi);
api.route("/pdl", pdlApi);
api.route("/enedis", mirrorApi);
api.route("/oauth", consentApi);
api.route("/admin", adminApi);
api.route("/", consoApi); // /api/<conso type> and /api/accounts/conso-token
documentApi(api);
app.route("/", api);

app.route("/", healthRoutes);

app.notFound((c) => onError(new AppError(404, "NOT_FOUND", "Cette route n'existe pas."), c));
app.onError(onError);

export default {
  fetch: app.fetch,
  async scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    ctx.waitUntil(runDailyMaintenance(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
export { EnedisBudget } from "./limits/enedis-budget";
export { AccountGate } from "./limits/account-gate";
export { EnedisTokenKeeper } from "./limits/token-keeper";
export { SimulatorThrottle } from "./simulator/throttle";
export { SyncScheduler } from "./sync/scheduler";
