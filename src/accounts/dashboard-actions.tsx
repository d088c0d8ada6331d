import { Hono } from "hono";
import type { AppEnv } from "../http/types";
import { clearSessionCookie } from "../http/session-cookie";
import { Layout, page } from "../pages/layout";
import { Credentials } from "../pages/credentials";
import { sessionCaller } from "../http/auth";
import { revokeAuthTokensOf } from "./auth-tokens";
import { regenerateClientSecret } from "./credentials";
import { deleteAccount } from "./delete-account";

/** Dashboard forms that change the account: new API secret, account deletion. CSRF-checked globally. */
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

dashboardActions.post("/dashboard/delete-account", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const body = await c.req.parseBody();
  if (body.confirm !== "yes") return c.redirect("/dashboard", 303);
  await deleteAccount(c.env, me.userId);
  clearSessionCookie(c);
  return c.redirect("/", 303);
});
