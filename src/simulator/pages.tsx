/**
 * The simulated Enedis consent pages (French, phone-friendly, no inline script or style: the CSP forbids them).
 */
import type { Child } from "hono/jsx";
import { SIMULATOR_PREFIX } from "../config";
import type { SimulatedHousehold } from "./households";
import type { AuthorizeQuery } from "./authorize-params";

export const STYLESHEET_PATH = `${SIMULATOR_PREFIX}/static/simulator.css`;

function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{props.title}</title>
        <link rel="stylesheet" href={STYLESHEET_PATH} />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <header class="sim-banner">Simulateur Enedis — environnement de démonstration, aucune donnée réelle</header>
        <main class="sim-main">{props.children}</main>
      </body>
    </html>
  );
}

export function ConsentPage(props: { action: string; version: "v1" | "v2"; query: AuthorizeQuery; households: readonly SimulatedHousehold[] }) {
  const { query } = props;
  return (
    <Layout title="Autorisation d'accès à vos données — Enedis (simulé)">
      <h1>Autoriser l'accès à vos données Linky</h1>
      <p>
        Vous êtes sur <strong>le simulateur d'Enedis</strong> intégré à la passerelle : il remplace le site d'Enedis pour
        les essais et les démonstrations. En production, cette page est celle de votre compte Enedis.
      </p>
      <p>
        L'application demande à consulter les données de votre compteur (consommation, production, puissance, contrat,
        adresse) pendant <strong>{query.duration}</strong>. Vous pourrez retirer cette autorisation à tout moment.
      </p>
      <form method="post" action={props.action} class="sim-form">
        <input type="hidden" name="client_id" value={query.client_id} />
        <input type="hidden" name="duration" value={query.duration} />
        <input type="hidden" name="response_type" value={query.response_type} />
        <input type="hidden" name="state" value={query.state} />
        <fieldset>
          <legend>Choisissez le foyer de test qui donne son accord</legend>
          {props.households.map((h, i) => (
            <label class="sim-household">
              <input type="radio" name="household" value={h.id} checked={i === 0} required />
              <span class="sim-household-name">
                {h.title} {h.firstname} {h.lastname}
              </span>
              <span class="sim-household-desc">{h.description}</span>
              <span class="sim-household-pdl">
                {h.usagePoints.length > 1 ? "Points de livraison : " : "Point de livraison : "}
                {h.usagePoints.map((p) => `${p.id} (${p.label})`).join(", ")}
              </span>
            </label>
          ))}
        </fieldset>
        <p class="sim-note">Consentement {props.version === "v1" ? "Data Connect v1" : "Data Connect v2 (2026)"}.</p>
        <div class="sim-actions">
          <button type="submit" name="decision" value="accept" class="sim-accept">Accepter</button>
          <button type="submit" name="decision" value="refuse" class="sim-refuse">Refuser</button>
        </div>
      </form>
    </Layout>
  );
}

export function ErrorPage(props: { reason: string }) {
  return (
    <Layout title="Demande d'autorisation invalide — Enedis (simulé)">
      <h1>Demande d'autorisation invalide</h1>
      <p>L'application qui vous a envoyé ici a fait une demande incorrecte : {props.reason}.</p>
      <p>Revenez sur l'application et recommencez. Aucune autorisation n'a été donnée.</p>
    </Layout>
  );
}

/** A full HTML document (hono/jsx renders elements only, so the doctype is added here). */
export async function renderDocument(node: { toString(): string | Promise<string> }): Promise<string> {
  return `<!DOCTYPE html>${await node.toString()}`;
}
