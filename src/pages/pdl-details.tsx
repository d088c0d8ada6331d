import { Hono } from "hono";
import type { Context } from "hono";
import { z } from "zod";
import { addDays, todayInParis } from "../enedis/dates";
import type { IntervalReading } from "../enedis/types";
import { AppError } from "../http/errors";
import type { AppEnv, Caller } from "../http/types";
import { readCustomerData } from "../mirror/customer";
import { readMetering } from "../mirror/metering";
import { removePdl } from "../pdl/remove";
import { ownedPdl, updatePdl, type UsagePointRow } from "../pdl/store";
import { DailyChart } from "./chart";
import { Layout, page } from "./layout";
import { sessionCaller } from "../http/auth";

/** GET /dashboard/pdl/{id} — "Détails": contract, address, a 30-day chart; rename, disable, delete. */
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

/** Reads through the mirror (cache, quota, Enedis) and turns an error into a French sentence for the page. */
async function attempt<T>(run: () => Promise<T>): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const text: Partial<Record<AppError["code"], string>> = {
      CONSENT_REQUIRED: "Consentement Enedis absent, révoqué ou expiré : renouvelez-le depuis le tableau de bord.",
      NOT_OWNER: "Ce point de livraison n'est plus à votre nom chez Enedis.",
      NO_DATA: "Enedis n'a pas de données pour cette période.",
      QUOTA_EXCEEDED: "Quota du jour atteint : réessayez après minuit UTC.",
      ENEDIS_BUSY: "Enedis est très sollicité : réessayez dans une minute.",
      ENEDIS_UNAVAILABLE: "Enedis ne répond pas pour l'instant : réessayez plus tard.",
      PDL_DISABLED: "Point de livraison désactivé.",
    };
    return { error: text[error.code] ?? "Données indisponibles pour l'instant." };
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
  const ctx = { env: c.env, caller: me, pdl };
  const today = todayInParis(new Date());
  const range = { start: addDays(today, -30), end: today };
  // A disabled PDL reads nothing (no Enedis call, no quota), like the API's PDL_DISABLED.
  const read = <T,>(run: () => Promise<T>) => (pdl.isActive ? attempt(run) : Promise.resolve({ error: "Point de livraison désactivé : réactivez-le pour lire ses données." }));
  const [contract, address, consumption, production] = await Promise.all([
    read(() => readCustomerData({ ...ctx }, "contract", { useCache: true })),
    read(() => readCustomerData({ ...ctx }, "address", { useCache: true })),
    pdl.hasConsumption ? read(() => readMetering({ ...ctx }, "consumption_daily", range, { useCache: true })) : null,
    pdl.hasProduction ? read(() => readMetering({ ...ctx }, "production_daily", range, { useCache: true })) : null,
  ]);
  const usagePoint = "value" in contract ? firstUsagePoint(contract.value.data) : undefined;
  const addr = "value" in address ? firstUsagePoint(address.value.data) : undefined;
  const readings = (r: typeof consumption): IntervalReading[] | string =>
    !r ? [] : "value" in r ? r.value.data.meter_reading.interval_reading : r.error;
  return c.html(
    page(
      <Layout title={`PDL ${pdl.usagePointId}`} signedIn isAdmin={me.isAdmin}>
        <p>
          <a href="/dashboard">← Tableau de bord</a>
        </p>
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
