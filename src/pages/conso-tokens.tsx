import type { ConsoTokenListing } from "../conso/token-store";

const day = (iso: string) => iso.slice(0, 10);

/**
 * Dashboard card: the account's Conso API tokens (creation and expiry dates, never the token), a button that makes
 * one (shown once, on the next page) and one revocation button per token. Forms are answered by conso/dashboard-actions.
 */
export function ConsoTokensCard(props: { tokens: ConsoTokenListing[] }) {
  return (
    <section class="card" id="conso-tokens">
      <h2>Jetons Conso API</h2>
      <p>
        Pour les outils écrits pour Conso API (linky, ha-linky, MMM-Linky, pylinky) : changez leur adresse pour celle de cette passerelle et donnez-leur un
        jeton. Un jeton donne accès aux points de livraison présents sur votre compte au moment de sa création.
      </p>
      {props.tokens.length === 0 ? (
        <p class="muted">Aucun jeton actif.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Créé le</th>
                <th>Expire le</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {props.tokens.map((t) => (
                <tr data-conso-token={t.id}>
                  <td>{day(t.createdAt)}</td>
                  <td>{day(t.expiresAt)}</td>
                  <td>
                    <form method="post" action="/dashboard/conso-tokens/revoke">
                      <input type="hidden" name="id" value={t.id} />
                      <button type="submit" class="secondary">Révoquer</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action="/dashboard/conso-tokens" class="form-actions">
        <button type="submit" id="new-conso-token">Créer un jeton Conso API</button>
      </form>
    </section>
  );
}
