/**
 * The built-in Enedis simulator (ENEDIS_ENV=simulator), mounted by src/index.ts at `/simulator`:
 * consent pages (v1/v2), token API, v5 and Data Connect 2026 APIs, and `/_control` levers.
 * The gateway's upstream client calls it in-process (`simulatorApp.fetch(request, env)`), so nothing
 * here relies on `executionCtx`. docs/simulator.md describes households, rules and faults.
 *
 * It deliberately shares no code with the gateway's Enedis client, date rules or crypto (its own calendar,
 * base64url and comparisons): it plays Enedis, and a bug in the gateway must not be mirrored by its judge.
 */
import { Hono } from "hono";
import { authorizeRoutes } from "./authorize-routes";
import { controlRoutes } from "./control-routes";
import { technicalError } from "./errors";
import type { SimulatorEnv } from "./guard";
import { SIMULATOR_CSS } from "./stylesheet";
import { tokenRoutes } from "./token-routes";
import { v2026Routes } from "./v2026-routes";
import { v5Routes } from "./v5-routes";

export const simulatorApp = new Hono<SimulatorEnv>();

simulatorApp.get("/static/simulator.css", (c) => {
  c.header("Content-Type", "text/css; charset=utf-8");
  c.header("Cache-Control", "public, max-age=3600");
  return c.body(SIMULATOR_CSS);
});

simulatorApp.route("/", authorizeRoutes);
simulatorApp.route("/", tokenRoutes);
simulatorApp.route("/", v5Routes);
simulatorApp.route("/", v2026Routes);
simulatorApp.route("/_control", controlRoutes);

// Like Enedis's gateway: an unknown resource is a JSON 404, an unexpected failure a technical 500 without details.
const WSO2_NOT_FOUND = { code: "404", type: "Status report", message: "Not Found", description: "The requested resource is not available." };
// Also as a last route: mounted under /simulator, the worker's own notFound (an HTML page) would answer otherwise.
simulatorApp.all("*", (c) => c.json(WSO2_NOT_FOUND, 404));
simulatorApp.notFound((c) => c.json(WSO2_NOT_FOUND, 404));
simulatorApp.onError((err, c) => {
  console.error("simulator: unexpected error", err instanceof Error ? err.name : "unknown");
  const failure = technicalError("v5");
  return c.json(failure.body, failure.status);
});
