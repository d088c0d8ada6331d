import type { OpsStats } from "./ops-stats";

/** The admin page's operations cards (one component each; codes, API names and counts only — no user data). */

export function EnedisCallsCard({ enedis }: { enedis: OpsStats["enedis"] }) {
  return (
    <section class="card table-wrap" id="enedis-calls">
      <h2>Appels à Enedis par API</h2>
      <p>Plafond : {enedis.hourly_limit} appels par heure glissante et par API (ENEDIS_HOURLY_LIMIT).</p>
      {enedis.apis.length === 0 ? (
        <p>Aucun appel aujourd'hui.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>API</th>
              <th>Aujourd'hui</th>
              <th>Heure en cours</th>
              <th>Heure la plus chargée</th>
            </tr>
          </thead>
          <tbody>
            {enedis.apis.map((a) => (
              <tr>
                <td>
                  <code>{a.api}</code>
                </td>
                <td>{a.today}</td>
                <td>
                  {a.this_hour} / {enedis.hourly_limit}
                </td>
                <td>
                  {a.peak_hour} / {enedis.hourly_limit}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function RefusalsCard({ refusals }: { refusals: OpsStats["refusals_24h"] }) {
  return (
    <section class="card" id="refusals">
      <h2>Refus du budget Enedis (24 h)</h2>
      {refusals.length === 0 ? (
        <p>Aucun refus.</p>
      ) : (
        <ul>
          {refusals.map((r) => (
            <li>
              {r.priority === "sync" ? "synchronisation différée" : "requête refusée (ENEDIS_BUSY)"} · <code>{r.reason}</code> : {r.count}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ErrorsCard({ errors }: { errors: OpsStats["errors_24h"] }) {
  return (
    <section class="card" id="errors">
      <h2>Erreurs par code (24 h)</h2>
      <h3>Réponses de la passerelle</h3>
      {errors.gateway.length === 0 ? (
        <p>Aucune.</p>
      ) : (
        <ul>
          {errors.gateway.map((e) => (
            <li>
              <code>{e.code}</code> : {e.count}
            </li>
          ))}
        </ul>
      )}
      <h3>Erreurs d'Enedis</h3>
      {errors.enedis.length === 0 ? (
        <p>Aucune.</p>
      ) : (
        <ul>
          {errors.enedis.map((e) => (
            <li>
              <code>{e.code}</code>
              {e.enedis_code ? (
                <>
                  {" "}
                  (Enedis <code>{e.enedis_code}</code>)
                </>
              ) : null}{" "}
              : {e.count}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
