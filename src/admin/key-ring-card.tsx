import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { recountKeyRing, type KeyRingDependents } from "../maintenance/key-ring-count";

const LINES: Array<[keyof KeyRingDependents, string]> = [
  ["client_secrets", "clés secrètes (client_secret)"],
  ["passwords", "mots de passe"],
  ["sessions", "sessions web"],
  ["access_tokens", "jetons d'accès"],
  ["conso_tokens", "jetons Conso API"],
  ["app_token", "jeton d'application Enedis (KV)"],
  ["cache_accounts", "comptes ayant du cache sous les anciens noms de clés KV"],
];

/**
 * Admin card: an APP_SECRET rotation's progress (README "Rotating APP_SECRET"). `rotating`: APP_SECRET_PREVIOUS is set
 * now; `count`: the last count (daily cron, or the button below). A count made before the rotation started says nothing.
 */
export function KeyRingCard(props: { rotating: boolean; count: KeyRingDependents | null }) {
  const count = props.rotating && props.count?.rotating ? props.count : null;
  return (
    <section class="card" id="key-ring">
      <h2>Rotation de la clé serveur (APP_SECRET)</h2>
      {!props.rotating ? (
        <p class="muted">Aucune rotation en cours (APP_SECRET_PREVIOUS n'est pas défini).</p>
      ) : (
        <>
          {count === null ? (
            <p>Rotation en cours : pas encore de décompte depuis qu'APP_SECRET_PREVIOUS est défini.</p>
          ) : count.total === 0 ? (
            <p>
              Plus rien ne dépend de l'ancienne clé (décompte du {count.counted_at.slice(0, 16).replace("T", " ")} UTC) : APP_SECRET_PREVIOUS peut être retiré.
            </p>
          ) : (
            <>
              <p>
                {count.total} éléments dépendent encore de l'ancienne clé (décompte du {count.counted_at.slice(0, 16).replace("T", " ")} UTC). Chacun est refait
                sous la nouvelle clé à sa prochaine utilisation ; ceux qui ne servent plus d'ici le retrait d'APP_SECRET_PREVIOUS cesseront de fonctionner.
              </p>
              <ul>
                {LINES.filter(([k]) => (count[k] as number) > 0).map(([k, label]) => (
                  <li>
                    {count[k]} {label}
                  </li>
                ))}
              </ul>
            </>
          )}
          <form method="post" action="/admin/key-ring/count" class="inline">
            <button type="submit" class="link">Recompter maintenant</button>
          </form>
        </>
      )}
    </section>
  );
}

/** The card's button: counts now (the daily cron does the same), for an operator who does not want to wait a day. */
export const keyRingAdmin = new Hono<AppEnv>();

keyRingAdmin.post("/admin/key-ring/count", async (c) => {
  await recountKeyRing(c.env);
  return c.redirect("/admin#key-ring", 303);
});
