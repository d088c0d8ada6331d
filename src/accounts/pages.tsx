import { Hono } from "hono";
import type { Context } from "hono";
import { AppError } from "../http/errors";
import { clearSessionCookie, readSessionCookie, writeSessionCookie } from "../http/session-cookie";
import type { AppEnv } from "../http/types";
import { Layout, page } from "../pages/layout";
import { Credentials } from "../pages/credentials";
import { issueAuthToken, revokePresentedToken } from "./auth-tokens";
import { createAccount } from "./credentials";
import { authenticateWithPassword } from "./passwords";
import { recoverPage } from "./recover-page";
import { CredentialsSchema, LoginSchema } from "./schemas";
import { clientIp, throttleLogin, throttleSignup } from "./throttle";

/** /signup, /login, /logout — the same rules as the JSON API, with French messages on the page. */
export const accountPages = new Hono<AppEnv>();
accountPages.route("/", recoverPage);

type FormState = { email?: string; error?: string };

function AuthForm(props: { action: "/signup" | "/login"; state: FormState }) {
  const signup = props.action === "/signup";
  return (
    <section class="card narrow">
      <h1>{signup ? "Créer un compte" : "Se connecter"}</h1>
      {props.state.error ? (
        <p class="flash error" role="alert">
          {props.state.error}
        </p>
      ) : null}
      <form method="post" action={props.action}>
        <label for="email">Adresse e-mail</label>
        <input id="email" name="email" type="email" autocomplete="email" required value={props.state.email ?? ""} />
        <label for="password">Mot de passe{signup ? " (8 caractères minimum)" : ""}</label>
        <input id="password" name="password" type="password" autocomplete={signup ? "new-password" : "current-password"} required minlength={signup ? 8 : 1} />
        <div class="form-actions">
          <button type="submit">{signup ? "Créer mon compte" : "Se connecter"}</button>
        </div>
      </form>
      <p class="muted">
        {signup ? (
          <>
            Déjà inscrit ? <a href="/login">Se connecter</a>
          </>
        ) : (
          <>
            <a href="/recover" id="forgot-password">Mot de passe oublié ?</a> · Pas encore de compte ? <a href="/signup">Créer un compte</a>
          </>
        )}
      </p>
    </section>
  );
}

const renderForm = (c: Context<AppEnv>, action: "/signup" | "/login", state: FormState, status: 200 | 400 | 401 | 409 | 429 = 200, headers: Record<string, string> = {}) =>
  c.html(page(<Layout title={action === "/signup" ? "Créer un compte" : "Se connecter"}>{<AuthForm action={action} state={state} />}</Layout>), status, headers);

/** The throttled page answer, with the same Retry-After as the API's. */
const tooManyAttempts = (c: Context<AppEnv>, action: "/signup" | "/login", email: string, error: AppError) =>
  renderForm(c, action, { email, error: "Trop de tentatives. Réessayez dans quelques minutes." }, 429, { "Retry-After": String(error.extra.retryAfter ?? 60) });

/** The password rules' own messages are French (schemas.ts); an email problem gets one plain sentence. */
const frenchFieldError = (issue: { path: PropertyKey[]; message: string } | undefined) =>
  String(issue?.path[0] ?? "email") === "password" ? issue!.message : "Adresse e-mail invalide.";

async function readForm(c: Context<AppEnv>) {
  const body = await c.req.parseBody();
  return { email: typeof body.email === "string" ? body.email : "", password: typeof body.password === "string" ? body.password : "" };
}

async function startSession(c: Context<AppEnv>, userId: string, dataKey: CryptoKey) {
  // Rotation: a login never reuses the session the browser came with.
  const previous = readSessionCookie(c);
  if (previous) await revokePresentedToken(c.env, "session", previous);
  const { token } = await issueAuthToken(c.env, userId, dataKey, "session");
  writeSessionCookie(c, token);
}

accountPages.get("/signup", (c) => renderForm(c, "/signup", {}));
accountPages.get("/login", (c) => renderForm(c, "/login", {}));

accountPages.post("/signup", async (c) => {
  const form = await readForm(c);
  const parsed = CredentialsSchema.safeParse(form);
  if (!parsed.success) {
    return renderForm(c, "/signup", { email: form.email, error: frenchFieldError(parsed.error.issues[0]) }, 400);
  }
  try {
    await throttleSignup(c.env, clientIp(c.req.raw), parsed.data.email);
    const { user, clientSecret, dataKey } = await createAccount(c.env, parsed.data.email, parsed.data.password);
    await startSession(c, user.id, dataKey);
    return c.html(
      page(
        <Layout title="Compte créé" signedIn>
          <section class="card">
            <h1>Votre compte est prêt</h1>
            <p>Voici vos identifiants d'API. <strong>Copiez la clé secrète maintenant : elle ne sera plus jamais affichée</strong> (la passerelle n'en garde qu'une empreinte, et c'est elle qui chiffre votre cache).</p>
            <Credentials clientId={user.clientId} clientSecret={clientSecret} />
            <p class="muted">Utilisez-la ainsi : <code>Authorization: Bearer &lt;client_secret&gt;</code>.</p>
            <div class="form-actions">
              <a class="button" href="/dashboard">Aller au tableau de bord</a>
            </div>
          </section>
        </Layout>,
      ),
      201,
    );
  } catch (error) {
    if (error instanceof AppError && error.code === "USER_EXISTS") return renderForm(c, "/signup", { email: form.email, error: "Un compte existe déjà avec cette adresse e-mail." }, 409);
    if (error instanceof AppError && error.code === "TOO_MANY_ATTEMPTS") return tooManyAttempts(c, "/signup", form.email, error);
    throw error;
  }
});

accountPages.post("/login", async (c) => {
  const form = await readForm(c);
  const parsed = LoginSchema.safeParse(form);
  const wrong = "Adresse e-mail ou mot de passe incorrect.";
  if (!parsed.success) return renderForm(c, "/login", { email: form.email, error: wrong }, 400);
  try {
    await throttleLogin(c.env, clientIp(c.req.raw), parsed.data.email);
  } catch (error) {
    if (error instanceof AppError) return tooManyAttempts(c, "/login", form.email, error);
    throw error;
  }
  const hit = await authenticateWithPassword(c.env, parsed.data.email, parsed.data.password);
  if (!hit) return renderForm(c, "/login", { email: form.email, error: wrong }, 401);
  await startSession(c, hit.user.id, hit.dataKey);
  return c.redirect("/dashboard", 303);
});

accountPages.post("/logout", async (c) => {
  const token = readSessionCookie(c);
  if (token) await revokePresentedToken(c.env, "session", token);
  clearSessionCookie(c);
  return c.redirect("/", 303);
});

