import { Hono } from "hono";
import type { Context } from "hono";
import { AppError } from "../http/errors";
import type { AppEnv } from "../http/types";
import { Layout, page } from "../pages/layout";
import { RECOVERY_REFUSALS, recoverAccount } from "./recover";
import { RecoverSchema } from "./schemas";
import { clientIp, throttleLogin } from "./throttle";

/**
 * GET/POST /recover — "Mot de passe oublié ?": the client_secret sets a new password (same rules and throttling
 * as POST /api/accounts/recover). Also says what to do when both are lost: nothing is deleted by the household;
 * the operator can release the account's PDLs after checking with it.
 */
export const recoverPage = new Hono<AppEnv>();

const WRONG = RECOVERY_REFUSALS.invalid;

function RecoverForm(props: { email?: string; error?: string }) {
  return (
    <section class="card narrow">
      <h1>Mot de passe oublié</h1>
      <p>
        Votre clé secrète d'API (<code>client_secret</code>, montrée à la création du compte) permet de choisir un nouveau mot de passe. Votre cache chiffré reste
        lisible, et toutes les sessions ouvertes sont fermées.
      </p>
      {props.error ? (
        <p class="flash error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/recover">
        <label for="email">Adresse e-mail</label>
        <input id="email" name="email" type="email" autocomplete="email" required value={props.email ?? ""} />
        <label for="client_secret">Clé secrète (client_secret)</label>
        <input id="client_secret" name="client_secret" type="password" autocomplete="off" required />
        <label for="new_password">Nouveau mot de passe (8 caractères minimum)</label>
        <input id="new_password" name="new_password" type="password" autocomplete="new-password" required minlength={8} />
        <div class="form-actions">
          <button type="submit">Changer mon mot de passe</button>
        </div>
      </form>
      <h2>Mot de passe et clé secrète perdus ?</h2>
      <p id="both-lost">
        Ne supprimez rien et ne créez pas de second compte pour le même compteur : vos points de livraison resteraient rattachés à l'ancien. Écrivez à
        l'exploitant de cette passerelle depuis l'adresse e-mail du compte. Après avoir vérifié avec vous que le compte est bien le vôtre, il peut le supprimer
        depuis sa page d'administration, ce qui libère vos points de livraison : vous pourrez alors créer un nouveau compte et donner à nouveau votre
        consentement Enedis. L'historique mis en cache est perdu (il est chiffré avec vos clés), mais Enedis le fournit de nouveau.
      </p>
      <p class="muted">
        <a href="/login">Retour à la connexion</a>
      </p>
    </section>
  );
}

const render = (c: Context<AppEnv>, props: { email?: string; error?: string }, status: 200 | 400 | 401 | 429 = 200, headers: Record<string, string> = {}) =>
  c.html(page(<Layout title="Mot de passe oublié">{<RecoverForm {...props} />}</Layout>), status, headers);

recoverPage.get("/recover", (c) => render(c, {}));

recoverPage.post("/recover", async (c) => {
  const body = await c.req.parseBody();
  const text = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const form = { email: text("email"), client_secret: text("client_secret"), new_password: text("new_password") };
  const parsed = RecoverSchema.safeParse(form);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "");
    // the password rules' messages are French (schemas.ts); anything else is a plain "wrong" answer
    const error = field === "new_password" ? issue.message : field === "email" ? "Adresse e-mail invalide." : WRONG;
    return render(c, { email: form.email, error }, 400);
  }
  try {
    await throttleLogin(c.env, clientIp(c.req.raw), parsed.data.email);
  } catch (error) {
    if (error instanceof AppError && error.code === "TOO_MANY_ATTEMPTS") {
      return render(c, { email: form.email, error: "Trop de tentatives. Réessayez dans quelques minutes." }, 429, { "Retry-After": String(error.extra.retryAfter ?? 60) });
    }
    throw error;
  }
  const result = await recoverAccount(c.env, parsed.data.email, parsed.data.client_secret, parsed.data.new_password);
  if (result !== "recovered") return render(c, { email: form.email, error: RECOVERY_REFUSALS[result] }, 401);
  return c.html(
    page(
      <Layout title="Mot de passe changé">
        <section class="card narrow">
          <h1>Mot de passe changé</h1>
          <p role="status" id="recovered">
            Votre nouveau mot de passe est enregistré et votre cache reste lisible. Toutes les sessions ouvertes ont été fermées.
          </p>
          <a class="button" href="/login">
            Se connecter
          </a>
        </section>
      </Layout>,
    ),
  );
});
