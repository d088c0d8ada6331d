import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import type { IntervalReading } from "../enedis/types";
import { AppError } from "../http/errors";
import type { AppEnv, Caller } from "../http/types";
import { removePdl } from "../pdl/remove";
import { ownedPdl, updatePdl, type UsagePointRow } from "../pdl/store";
import { DailyChart } from "./chart";
import { Layout, page } from "./layout";
import { loadPdlDetails, readModeOf } from "./pdl-details-data";
import { sessionCaller } from "../http/auth";

/**
 * GET /dashboard/pdl/{id} — "Détails": contract, address, a 30-day chart; rename, disable, delete. Opened from
 * another site it shows only the cache, with a "Charger le reste" link that, followed from this page, reads the rest.
 */
export const pdlDetailsPage = new Hono<AppEnv>();

const Id = z.string().regex(/^\d{14}$/);

async function load(c: Context<AppEnv>): Promise<{ me: Caller; pdl: UsagePointRow } | Response> {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const id = Id.safeParse(c.req.param("id"));
  if (!id.success) throw new AppError(404, "NOT_FOUND", "Page introuvable.");
  try {
    return { me, pdl: await ownedPdl(c.env, me.userId, id.data) };
  } catch {
    throw new AppError(404, "NOT_FOUND", "Page introuvable.");
  }
}

const pick = (v: unknown, ...path: string[]): string | undefined => {
  let cur: unknown = v;
  for (const k of path) cur = cur && typeof cur === "object" ? (cur as Record<string, unknown>)[k] : undefined;
  return typeof cur === "string" || typeof cur === "number" ? String(cur) : undefined;
};

pdlDetailsPage.get("/dashboard/pdl/:id", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  const { me, pdl } = loaded;
  const mode = readModeOf(c.req.header("Sec-Fetch-Site"));
  const { contract, address, consumption, production } = await loadPdlDetails({ env: c.env, caller: me, pdl }, mode);
  const usagePoint = "value" in contract ? firstUsagePoint(contract.value) : undefined;
  const addr = "value" in address ? firstUsagePoint(address.value) : undefined;
  const readings = (r: typeof consumption): IntervalReading[] | string => (!r ? [] : "value" in r ? r.value : r.error);
  return c.html(
    page(
      <Layout title={`PDL ${pdl.usagePointId}`} signedIn isAdmin={me.isAdmin}>
        <p>
          <a href="/dashboard">← Tableau de bord</a>
        </p>
        {mode === "cached" ? (
          <p class="flash" id="cached-only">
            Page ouverte depuis un autre site : elle ne montre que ce qui est déjà en cache, sans interroger Enedis ni compter dans votre quota.{" "}
            <a class="button small" id="load-rest" href={`/dashboard/pdl/${pdl.usagePointId}`}>
              Charger le reste
            </a>
          </p>
        ) : null}
        <h1>{pdl.name ?? `PDL ${pdl.usagePointId}`}</h1>
        <section class="card" id="contract">
          <h2>Contrat</h2>
          {"error" in contract ? (
            <p class="error-text">{contract.error}</p>
          ) : (
            <dl class="facts">
              <dt>Point de livraison</dt>
              <dd>
                <code>{pdl.usagePointId}</code>
              </dd>
              <dt>Puissance souscrite</dt>
              <dd>{pick(usagePoint, "contracts", "subscribed_power") ?? pdl.subscribedPower ?? "—"}</dd>
              <dt>Heures creuses</dt>
              <dd>{pick(usagePoint, "contracts", "offpeak_hours") ?? pdl.offpeakHours ?? "—"}</dd>
              <dt>Tarif d'acheminement</dt>
              <dd>{pick(usagePoint, "contracts", "distribution_tariff") ?? "—"}</dd>
              <dt>Segment</dt>
              <dd>{pick(usagePoint, "contracts", "segment") ?? "—"}</dd>
              <dt>Compteur</dt>
              <dd>{pick(usagePoint, "usage_point", "meter_type") ?? "—"}</dd>
              <dt>Consentement jusqu'au</dt>
              <dd>{pdl.consentExpiresAt?.slice(0, 10) ?? "—"}</dd>
            </dl>
          )}
        </section>
        <section class="card" id="address">
          <h2>Adresse</h2>
          {"error" in address ? (
            <p class="error-text">{address.error}</p>
          ) : (
            <p>
              {pick(addr, "usage_point", "usage_point_addresses", "street") ?? ""}
              <br />
              {pick(addr, "usage_point", "usage_point_addresses", "postal_code") ?? ""} {pick(addr, "usage_point", "usage_point_addresses", "city") ?? ""}
            </p>
          )}
        </section>
        {[
          { r: readings(consumption), show: pdl.hasConsumption, title: "Consommation des 30 derniers jours", production: false },
          { r: readings(production), show: pdl.hasProduction, title: "Production des 30 derniers jours", production: true },
        ]
          .filter((x) => x.show)
          .map((x) => (
            <section class="card">
              <h2>{x.title}</h2>
              {typeof x.r === "string" ? <p class="error-text">{x.r}</p> : <DailyChart readings={x.r} production={x.production} title={x.title} />}
            </section>
          ))}
        <section class="card">
          <h2>Gérer ce point de livraison</h2>
          <form method="post" action={`/dashboard/pdl/${pdl.usagePointId}/rename`}>
            <label for="name">Nom</label>
            <input id="name" name="name" type="text" maxlength={100} value={pdl.name ?? ""} placeholder="Maison, résidence secondaire…" />
            <div class="form-actions">
              <button type="submit" class="secondary">Renommer</button>
            </div>
          </form>
          <form method="post" action={`/dashboard/pdl/${pdl.usagePointId}/toggle`} class="form-actions">
            <button type="submit" class="secondary">{pdl.isActive ? "Désactiver" : "Réactiver"}</button>
          </form>
          <form method="post" action={`/dashboard/pdl/${pdl.usagePointId}/delete`} class="form-actions">
            <button type="submit" class="danger">Supprimer ce point de livraison</button>
          </form>
        </section>
      </Layout>,
    ),
  );
});

/** v5 contract/address answers: {customer: {usage_points: [ {...} ]}} */
function firstUsagePoint(data: unknown): unknown {
  const ups = (data as { customer?: { usage_points?: unknown[] } })?.customer?.usage_points;
  return Array.isArray(ups) ? ups[0] : undefined;
}

pdlDetailsPage.post("/dashboard/pdl/:id/rename", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  const body = await c.req.parseBody();
  // A form field: trim and cut rather than lose the name (the input's maxlength already says 100).
  const name = typeof body.name === "string" ? body.name.trim().slice(0, 100) : "";
  await updatePdl(c.env, loaded.me.userId, loaded.pdl.usagePointId, { name: name || null });
  return c.redirect(`/dashboard/pdl/${loaded.pdl.usagePointId}`, 303);
});

pdlDetailsPage.post("/dashboard/pdl/:id/toggle", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  await updatePdl(c.env, loaded.me.userId, loaded.pdl.usagePointId, { isActive: !loaded.pdl.isActive });
  return c.redirect(`/dashboard/pdl/${loaded.pdl.usagePointId}`, 303);
});

pdlDetailsPage.post("/dashboard/pdl/:id/delete", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  const { me, pdl } = loaded;
  await removePdl(c.env, me.userId, pdl.usagePointId);
  return c.redirect("/dashboard", 303);
});
