import type { Context } from "hono";
import type { AppError } from "../http/errors";
import { Layout, page } from "./layout";

const FRENCH: Partial<Record<AppError["code"], string>> = {
  NOT_FOUND: "Cette page n'existe pas.",
  UNAUTHORIZED: "Veuillez vous connecter.",
  FORBIDDEN: "Accès réservé.",
  CSRF_FAILED: "Requête refusée : elle ne vient pas de ce site.",
  PAYLOAD_TOO_LARGE: "Formulaire trop volumineux.",
  TOO_MANY_ATTEMPTS: "Trop de tentatives. Réessayez dans quelques minutes.",
  INTERNAL_ERROR: "Une erreur interne est survenue. Réessayez plus tard.",
};

export function errorPage(c: Context, error: AppError, headers: Record<string, string>) {
  const text = FRENCH[error.code] ?? "La requête n'a pas pu aboutir.";
  return c.html(
    page(
      <Layout title="Erreur">
        <section class="card">
          <h1>Oups</h1>
          <p role="alert">{text}</p>
          <p>
            <a href="/">Retour à l'accueil</a>
          </p>
        </section>
      </Layout>,
    ),
    error.status,
    headers,
  );
}
