import type { ConsentState } from "../charts/consent-state";
import { frDay } from "../charts/format";

/** The top of the energy page: the consent's state and last Enedis error, and the "cache only" notice. */

export function ConsentCard(props: { consent: ConsentState; lastError: string | null }) {
  return (
    <section class="card" id="consent">
      {props.consent.valid ? (
        <p>
          Consentement Enedis <strong class="ok-text">valide</strong>
          {props.consent.until ? ` jusqu'au ${frDay(props.consent.until)}` : ""}.
        </p>
      ) : (
        <form method="post" action="/consent" class="consent-renew">
          <p>
            Consentement Enedis : <strong class="error-text">à renouveler</strong>
            {props.consent.until ? ` (fin prévue le ${frDay(props.consent.until)})` : ""}.
          </p>
          <button type="submit">Consentement Enedis</button>
        </form>
      )}
      {props.lastError ? (
        <p class="error-text" id="last-error">
          Dernière erreur Enedis : {props.lastError}
        </p>
      ) : null}
    </section>
  );
}

export function CacheOnly(props: { crossSite: boolean; active: boolean; href: string }) {
  return (
    <section class="card notice" id="cache-only">
      {props.active ? (
        <>
          <p>Cette page a été ouverte depuis un autre site : seules les données déjà en cache sont affichées, sans appel à Enedis ni quota consommé.</p>
          <p>
            <a class="button" href={props.href} id="load-rest">
              Charger les données manquantes
            </a>
          </p>
        </>
      ) : (
        <p>Point de livraison désactivé : seules les données déjà en cache sont affichées. Réactivez-le depuis « Détails » pour lire la suite.</p>
      )}
    </section>
  );
}
