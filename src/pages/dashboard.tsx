import { Hono } from "hono";
import { z } from "zod";
import { getConfig } from "../config";
import { CONSENT_FAILURES, type ConsentOutcome } from "../consent/outcomes";
import type { AppEnv } from "../http/types";
import { usageFor } from "../limits/quota";
import { listPdls, type UsagePointRow } from "../pdl/store";
import { Layout, page } from "./layout";
import { DailyChart } from "./chart";
import { addDays, todayInParis } from "../enedis/dates";
import type { IntervalReading } from "../enedis/types";
import { readCachedReadings } from "../mirror/metering";
import { Credentials } from "./credentials";
import { sessionCaller } from "../http/auth";
import { listConsoTokens } from "../conso/token-store";
import { ConsoTokensCard } from "./conso-tokens";

/** GET /dashboard — consent button, PDL list with "Détails", API credentials, quota use, account deletion. */
export const dashboardPage = new Hono<AppEnv>();

/** One fixed French message per consent outcome (consent/outcomes.ts). */
const CONSENT_MESSAGES: Record<ConsentOutcome, string> = {
  refused: "Vous avez refusé le consentement sur le site d'Enedis : aucun point de livraison n'a été ajouté.",
  invalid: "Ce retour d'Enedis n'est pas valide (lien falsifié ou incomplet) : aucun point de livraison n'a été ajouté. Relancez le consentement.",
  used: "Ce retour d'Enedis a déjà été utilisé : aucun point de livraison n'a été ajouté. Relancez le consentement si besoin.",
  expired: "Le consentement a pris plus de 10 minutes et a expiré : aucun point de livraison n'a été ajouté. Relancez-le.",
  other_session: "Ce consentement a été lancé depuis une autre session : aucun point de livraison n'a été ajouté. Relancez-le depuis ce navigateur.",
  // Held by another account or refused by Enedis: one message, so it tells nobody which PDLs are customers here.
  not_attached:
    "Aucun point de livraison n'a été ajouté : Enedis n'a pas confirmé ce consentement, ou l'un de ses points de livraison ne peut pas être rattaché à ce compte. Vérifiez votre consentement sur le site d'Enedis puis relancez-le.",
  enedis: "Enedis n'a pas pu répondre : aucun point de livraison n'a été ajouté et rien n'a été perdu. Réessayez dans quelques minutes.",
  busy: "Enedis est très sollicité en ce moment : réessayez dans une minute. Rien n'a été perdu.",
  no_pdl: "Enedis n'a indiqué aucun point de livraison pour ce consentement. S'il vient d'être donné, relancez-le dans quelques minutes.",
  malformed: "La réponse d'Enedis est incomplète ou ne correspond pas au consentement demandé : aucun point de livraison n'a été ajouté. Relancez le consentement.",
  throttled: "Trop de tentatives de consentement : aucun point de livraison n'a été ajouté. Réessayez dans quelques minutes.",
  quota: "Votre quota quotidien de requêtes vers Enedis est épuisé : aucun point de livraison n'a été ajouté. Il repart à zéro à minuit UTC.",
};

const Flash = z.discriminatedUnion("consent", [
  z.object({ consent: z.literal("success"), detected: z.coerce.number().int().min(0).max(1000), new: z.coerce.number().int().min(0).max(1000) }),
  z.object({ consent: z.enum(CONSENT_FAILURES) }),
]);

function flashOf(query: Record<string, string>): { ok: boolean; text: string } | null {
  const parsed = Flash.safeParse(query);
  if (!parsed.success) return null;
  const f = parsed.data;
  if (f.consent === "success") return { ok: true, text: `Bravo ! ${f.detected} points de livraison détectés (${f.new} nouveaux).` };
  return { ok: false, text: CONSENT_MESSAGES[f.consent] };
}

/** Background sync of one PDL: on/off switch, last run, last day synced (docs/sync.md). */
function SyncLine({ p }: { p: UsagePointRow }) {
  const stopped = p.syncStopped ? " · arrêtée : consentement Enedis à renouveler" : "";
  return (
    <form method="post" action={`/dashboard/pdl/${p.usagePointId}/sync`} class="sync-line">
      <span>
        Synchronisation quotidienne : <strong>{p.sync ? "activée" : "désactivée"}</strong>
        {p.sync && p.lastSyncAt ? ` · dernière synchro ${p.lastSyncAt.slice(0, 16).replace("T", " ")} UTC` : ""}
        {p.sync && p.syncedThrough ? ` · à jour jusqu'au ${p.syncedThrough}` : ""}
        {p.sync ? stopped : ""}
      </span>{" "}
      <input type="hidden" name="sync" value={p.sync ? "off" : "on"} />
      <button type="submit" class="secondary">
        {p.sync ? "Désactiver" : "Activer"}
      </button>
    </form>
  );
}

function PdlItem({ p, readings }: { p: UsagePointRow; readings: IntervalReading[] }) {
  return (
    <li data-usage-point-id={p.usagePointId}>
      <div>
        <strong>{p.name ?? `PDL ${p.usagePointId}`}</strong>
        <div class="muted">
          <code>{p.usagePointId}</code>
          {p.subscribedPower ? ` · ${p.subscribedPower}` : ""}
        </div>
        <div>
          {p.hasConsumption ? <span class="badge">Consommation</span> : null}
          {p.hasProduction ? <span class="badge">Production</span> : null}
          {!p.isActive ? <span class="badge">Désactivé</span> : null}
        </div>
      </div>
      <SyncLine p={p} />
      <a class="button secondary" href={`/dashboard/pdl/${p.usagePointId}`}>
        Détails
      </a>
      <a class="button" href={`/dashboard/pdl/${p.usagePointId}/energie`}>
        Graphiques
      </a>
      {readings.length > 1 ? (
        <div class="mini-chart">
          <DailyChart readings={readings} production={!p.hasConsumption} title={`${p.hasConsumption ? "Consommation" : "Production"} des 30 derniers jours (cache)`} />
        </div>
      ) : null}
    </li>
  );
}

dashboardPage.get("/dashboard", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const [pdls, usage, consoTokens] = await Promise.all([listPdls(c.env, me.userId), usageFor(c.env, me.userId), listConsoTokens(c.env, me.userId)]);
  // Small charts from what the cache already holds: no Enedis call, no quota spent by opening the dashboard.
  const today = todayInParis(new Date());
  const last30 = { start: addDays(today, -30), end: today };
  const charts = await Promise.all(
    pdls.map((p) => readCachedReadings({ env: c.env, caller: me, pdl: p }, p.hasConsumption ? "consumption_daily" : "production_daily", last30)),
  );
  const config = getConfig(c.env);
  const flash = flashOf(c.req.query());
  return c.html(
    page(
      <Layout title="Tableau de bord" signedIn isAdmin={me.isAdmin}>
        <h1>Tableau de bord</h1>
        {flash ? (
          <p class={`flash ${flash.ok ? "ok" : "error"}`} role="status" id="consent-result">
            {flash.text}
          </p>
        ) : null}
        <section class="card">
          <h2>Consentement Enedis</h2>
          <p>Autorisez la passerelle à lire les données de votre compte Enedis : tous vos points de livraison seront détectés automatiquement, sans rien saisir.</p>
          <form method="post" action="/consent">
            <button type="submit" id="consent-button">Consentement Enedis</button>
          </form>
        </section>
        <section class="card">
          <h2>Mes points de livraison ({pdls.length})</h2>
          {pdls.length === 0 ? <p class="muted">Aucun point de livraison pour l'instant : donnez votre consentement Enedis ci-dessus.</p> : <ul class="pdls">{pdls.map((p, i) => <PdlItem p={p} readings={charts[i]} />)}</ul>}
        </section>
        <section class="card">
          <h2>Accès à l'API</h2>
          <Credentials clientId={me.clientId} />
          <form method="post" action="/dashboard/regenerate-secret" class="form-actions">
            <button type="submit" class="secondary">Générer une nouvelle clé secrète</button>
          </form>
          <p class="muted">
            Documentation interactive : <a href="/docs">/docs</a>
          </p>
        </section>
        <ConsoTokensCard tokens={consoTokens} />
        <section class="card">
          <h2>Quotas du jour</h2>
          <p>
            Requêtes vers Enedis : <strong>{usage.noCache}</strong> / {config.dailyLimitNoCache} · Requêtes servies par le cache : <strong>{usage.cached}</strong> / {config.dailyLimitWithCache}
          </p>
          <p class="muted">Remise à zéro à minuit UTC ({new Date(usage.resetAtSec * 1000).toISOString().replace("T", " ").slice(0, 16)} UTC).</p>
        </section>
        <section class="card">
          <h2>Supprimer mon compte</h2>
          <p>Supprime définitivement votre compte, vos points de livraison, votre cache chiffré et vos clés.</p>
          <form method="post" action="/dashboard/delete-account">
            <label for="delete-password">Mot de passe (demandé à nouveau pour confirmer)</label>
            <input id="delete-password" name="password" type="password" autocomplete="current-password" required />
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> Je comprends que c'est irréversible
            </label>
            <div class="form-actions">
              <button type="submit" class="danger">Supprimer mon compte</button>
            </div>
          </form>
        </section>
      </Layout>,
    ),
  );
});
