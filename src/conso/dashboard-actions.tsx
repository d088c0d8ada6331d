import { Hono } from "hono";
import { AppError } from "../http/errors";
import { sessionCaller } from "../http/auth";
import type { AppEnv } from "../http/types";
import { Layout, page } from "../pages/layout";
import { issueConsoToken, revokeConsoToken } from "./token-store";

/** Dashboard forms for Conso API tokens: make one (shown once), revoke one. CSRF-checked globally like every page form. */
export const consoDashboardActions = new Hono<AppEnv>();

consoDashboardActions.post("/dashboard/conso-tokens", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  let issued;
  try {
    issued = await issueConsoToken(c.env, me.userId, me.dataKey);
  } catch (error) {
    if (!(error instanceof AppError && error.code === "PDL_NOT_FOUND")) throw error;
    return c.html(page(<Shown isAdmin={me.isAdmin} text={error.message} />), 409);
  }
  return c.html(
    page(
      <Shown isAdmin={me.isAdmin} text="Copiez-le maintenant : il ne sera plus affiché. Collez-le dans votre outil Conso API à la place de l'ancien jeton.">
        <code class="secret" id="conso-token">
          {issued.token}
        </code>
        <p class="muted">
          Points de livraison : {issued.prms.join(", ")} · valable jusqu'au {issued.expiresAt.slice(0, 10)}.
        </p>
      </Shown>,
    ),
  );
});

consoDashboardActions.post("/dashboard/conso-tokens/revoke", async (c) => {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const body = await c.req.parseBody();
  const id = typeof body.id === "string" && body.id.length <= 100 ? body.id : "";
  if (id) await revokeConsoToken(c.env, me.userId, id);
  return c.redirect("/dashboard#conso-tokens", 303);
});

function Shown(props: { isAdmin: boolean; text: string; children?: unknown }) {
  return (
    <Layout title="Jeton Conso API" signedIn isAdmin={props.isAdmin}>
      <section class="card">
        <h1>Jeton Conso API</h1>
        <p>
          <strong>{props.text}</strong>
        </p>
        {props.children}
        <a class="button" href="/dashboard">
          Retour au tableau de bord
        </a>
      </section>
    </Layout>
  );
}
