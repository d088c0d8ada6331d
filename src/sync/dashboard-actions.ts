import { Hono } from "hono";
import { z } from "zod";
import { sessionCaller } from "../http/auth";
import type { AppEnv } from "../http/types";
import { ownedPdl, updatePdl } from "../pdl/store";
import { scheduleSync } from "./scheduler";
import { markSyncSoon } from "./store";

/** POST /dashboard/pdl/{id}/sync — the dashboard's "Synchronisation quotidienne" switch (same effect as PATCH {sync}). */
export const syncDashboardActions = new Hono<AppEnv>();

const Params = z.object({ id: z.string().regex(/^\d{14}$/) });
const Body = z.object({ sync: z.enum(["on", "off"]) });

syncDashboardActions.post("/dashboard/pdl/:id/sync", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const params = Params.safeParse(c.req.param());
  const body = Body.safeParse(await c.req.parseBody());
  if (!params.success || !body.success) return c.redirect("/dashboard", 303);
  const pdl = await ownedPdl(c.env, me.userId, params.data.id); // another account's PDL: the usual 404
  const on = body.data.sync === "on";
  await updatePdl(c.env, me.userId, pdl.usagePointId, { sync: on });
  if (on) await markSyncSoon(c.env, me.userId, [pdl.usagePointId], Date.now());
  await scheduleSync(c.env, [pdl.usagePointId]);
  return c.redirect("/dashboard", 303);
});
