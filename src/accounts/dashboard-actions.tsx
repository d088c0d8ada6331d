import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv } from "../http/types";
import { clearSessionCookie } from "../http/session-cookie";
import { Layout, page } from "../pages/layout";
import { Credentials } from "../pages/credentials";
import { sessionCaller } from "../http/auth";
import { AppError } from "../http/errors";
import { revokeAuthTokensOf } from "./auth-tokens";
import { findUserById, regenerateClientSecret } from "./credentials";
import { deleteAccount } from "./delete-account";
import { checkPassword } from "./passwords";
import { clientIp, throttlePasswordCheck } from "./throttle";

/** Dashboard forms that change the account: new API secret, account deletion (password asked again). CSRF-checked globally. */
export const dashboardActions = new Hono<AppEnv>();

dashboardActions.post("/dashboard/regenerate-secret", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const secret = await regenerateClientSecret(c.env, me.userId, me.dataKey);
  await revokeAuthTokensOf(c.env, me.userId, "access_token");
  return c.html(
    page(
      <Layout title="Nouvelle clé" signedIn isAdmin={me.isAdmin}>
        <section class="card">
          <h1>Nouvelle clé secrète</h1>
          <p>
            <strong>Copiez-la maintenant : elle ne sera plus affichée.</strong> L'ancienne ne fonctionne déjà plus ; votre cache reste lisible avec la nouvelle.
          </p>
          <Credentials clientId={me.clientId} clientSecret={secret} />
          <a class="button" href="/dashboard">Retour au tableau de bord</a>
        </section>
      </Layout>,
    ),
  );
});

/** A refused deletion: the account stays, the page says why and leads back to the dashboard. */
const deletionRefused = (c: Context<AppEnv>, text: string, status: 401 | 429, headers: Record<string, string> = {}) =>
  c.html(
    page(
      <Layout title="Suppression refusée" signedIn>
        <section class="card narrow">
          <h1>Compte non supprimé</h1>
          <p class="flash error" role="alert" id="delete-refused">
            {text}
          </p>
          <a class="button" href="/dashboard">Retour au tableau de bord</a>
        </section>
      </Layout>,
    ),
    status,
    headers,
  );

/** Deleting asks for the password again (SECURITY.md 5): a session left open is not enough. */
dashboardActions.post("/dashboard/delete-account", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const body = await c.req.parseBody();
  if (body.confirm !== "yes") return c.redirect("/dashboard", 303);
  try {
    await throttlePasswordCheck(c.env, clientIp(c.req.raw), me.userId);
  } catch (error) {
    if (error instanceof AppError && error.code === "TOO_MANY_ATTEMPTS") {
      return deletionRefused(c, "Trop de tentatives. Réessayez dans quelques minutes.", 429, { "Retry-After": String(error.extra.retryAfter ?? 60) });
    }
    throw error;
  }
  const user = await findUserById(c.env, me.userId);
  const password = typeof body.password === "string" ? body.password : "";
  if (!user || !(await checkPassword(c.env, user, password))) return deletionRefused(c, "Mot de passe incorrect : votre compte n'a pas été supprimé.", 401);
  await deleteAccount(c.env, me.userId);
  clearSessionCookie(c);
  return c.redirect("/", 303);
});
