import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { Layout, page } from "./layout";
import { sessionCaller } from "../http/auth";

/** PRODUCT.md step 1: why, how consent works, the encrypted cache. Deliberately no consent button here. */
export const homePage = new Hono<AppEnv>();

homePage.get("/", async (c) => {
  const me = await sessionCaller(c);
  return c.html(
    page(
      <Layout title="Accueil" signedIn={!!me} isAdmin={me?.isAdmin}>
        <section class="hero">
          <h1>Vos données Linky, chez vous, par une API simple</h1>
          <p>Consommation, production, puissance maximale, courbe de charge : lisez les données de votre compteur depuis vos scripts, Home Assistant ou le tableau de bord.</p>
          {me ? <a class="button" href="/dashboard">Aller au tableau de bord</a> : <a class="button" href="/signup">Créer un compte</a>}
        </section>
        <section class="grid">
          <article class="card" id="pourquoi">
            <h2>Pourquoi cette passerelle ?</h2>
            <p>
              L'API d'Enedis (Data Connect) qui donne accès aux données des compteurs Linky est <strong>réservée aux professionnels disposant d'un numéro SIRET</strong>. Un particulier ne peut pas l'appeler lui-même.
            </p>
            <p>La passerelle est cette application professionnelle, ouverte et libre, qui fait les appels à Enedis pour vous.</p>
          </article>
          <article class="card" id="consentement">
            <h2>Comment fonctionne le consentement ?</h2>
            <p>
              Depuis votre tableau de bord, vous autorisez la passerelle <strong>sur le site d'Enedis lui-même</strong>, une fois, pour tout votre compte Enedis : inutile de saisir votre numéro de PDL.
            </p>
            <p>Enedis nous renvoie vers la passerelle, qui détecte tous vos points de livraison puis interroge l'API Enedis <strong>en votre nom</strong>. Vous pouvez retirer ce consentement à tout moment chez Enedis.</p>
          </article>
          <article class="card" id="cache">
            <h2>Un cache chiffré avec votre clé</h2>
            <p>
              Les réponses d'Enedis sont gardées en cache pour aller vite et ménager les quotas, mais <strong>chiffrées avec votre clé API personnelle</strong> (AES-GCM).
            </p>
            <p>Sans cette clé, les données en cache sont illisibles — <strong>y compris pour l'opérateur de la passerelle</strong>. Elle vous est montrée une seule fois, à la création du compte.</p>
          </article>
        </section>
      </Layout>,
    ),
  );
});
