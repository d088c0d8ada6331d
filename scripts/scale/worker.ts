/** Runs scenarios inside workerd, so the ledger uses the Durable Object's own SQLite (ctx.storage.sql). */
import { DurableObject } from "cloudflare:workers";
import { runScenario, type ScenarioParams } from "./simulate";

export class ScaleSimulation extends DurableObject {
  async fetch(request: Request): Promise<Response> {
    const params = (await request.json()) as ScenarioParams;
    const started = Date.now();
    const result = runScenario(this.ctx.storage.sql, params);
    return Response.json({ ...result, wallMs: Date.now() - started });
  }
}

export default {
  async fetch(request: Request, env: { SIM: DurableObjectNamespace }): Promise<Response> {
    // A fresh object (fresh SQLite) per scenario.
    const name = new URL(request.url).searchParams.get("scenario") ?? "default";
    return env.SIM.get(env.SIM.idFromName(name)).fetch(request);
  },
};
