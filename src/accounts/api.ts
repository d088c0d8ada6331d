import { createRoute, z } from "@hono/zod-openapi";
import { getConfig } from "../config";
import { requireAuth, decodeBasic } from "../http/auth";
import { AppError } from "../http/errors";
import { authenticated, envelope, errorResponses, jsonContent } from "../http/openapi-helpers";
import { createApi } from "../http/validation";
import { usageFor } from "../limits/quota";
import { ACCESS_TOKEN_TTL_SECONDS, issueAuthToken, revokeAuthTokensOf, revokeSignIns } from "./auth-tokens";
import { authenticateClient, createAccount, findUserById, regenerateClientSecret } from "./credentials";
import { deleteAccount } from "./delete-account";
import { authenticateWithPassword, changePassword, checkPassword } from "./passwords";
import { RECOVERY_REFUSALS, recoverAccount } from "./recover";
import { AccountSchema, CredentialsSchema, DeleteAccountSchema, LoginSchema, NewAccountSchema, RecoverSchema, TokenAnswerSchema, UpdatePasswordSchema, UsageStatsSchema } from "./schemas";
import { clientIp, throttleLogin, throttlePasswordCheck, throttleSignup } from "./throttle";

/** /api/accounts/* (API.md "Accounts"). */
export const accountsApi = createApi();
const tags = ["Accounts"];
const Empty = z.object({}).openapi("Empty");

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/signup",
    tags,
    summary: "Create an account; the client_secret is shown only in this answer",
    request: { body: { content: { "application/json": { schema: CredentialsSchema } }, required: true } },
    responses: { 201: jsonContent(envelope(NewAccountSchema), "Account created"), ...errorResponses(400, 409, 429) },
  }),
  async (c) => {
    const { email, password } = c.req.valid("json");
    await throttleSignup(c.env, clientIp(c.req.raw), email);
    const { user, clientSecret } = await createAccount(c.env, email, password);
    return c.json({ success: true as const, data: { user_id: user.id, email: user.email, client_id: user.clientId, client_secret: clientSecret } }, 201);
  },
);

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/login",
    tags,
    summary: "Email + password → a bearer access token",
    request: { body: { content: { "application/json": { schema: LoginSchema } }, required: true } },
    responses: { 200: jsonContent(envelope(TokenAnswerSchema), "Logged in"), ...errorResponses(400, 401, 429) },
  }),
  async (c) => {
    const { email, password } = c.req.valid("json");
    await throttleLogin(c.env, clientIp(c.req.raw), email);
    const hit = await authenticateWithPassword(c.env, email, password);
    if (!hit) throw new AppError(401, "INVALID_CREDENTIALS", "Adresse e-mail ou mot de passe incorrect.");
    const t = await issueAuthToken(c.env, hit.user.id, hit.dataKey, "access_token");
    return c.json({ success: true as const, data: { access_token: t.token, token_type: "bearer" as const, expires_in: t.expiresIn } }, 200);
  },
);

/** RFC 6749 §4.4 client credentials. Answers without the envelope, errors per RFC 6749 §5.2. */
const TokenForm = z
  .object({
    grant_type: z.string().optional().openapi({ example: "client_credentials" }),
    client_id: z.string().max(200).optional(),
    client_secret: z.string().max(200).optional(),
  })
  .openapi("ClientCredentials");
const OAuthError = z.object({ error: z.enum(["invalid_client", "invalid_request", "unsupported_grant_type"]), error_description: z.string().optional() }).openapi("OAuthError");

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/token",
    tags,
    summary: "OAuth2 client credentials (form fields or HTTP Basic) → access token",
    request: { body: { content: { "application/x-www-form-urlencoded": { schema: TokenForm } }, required: false } },
    responses: {
      200: jsonContent(TokenAnswerSchema, "RFC 6749 token answer"),
      400: jsonContent(OAuthError, "invalid_request / unsupported_grant_type"),
      401: jsonContent(OAuthError, "invalid_client"),
    },
  }),
  async (c) => {
    const oauthError = (status: 400 | 401, error: z.infer<typeof OAuthError>["error"], description: string) =>
      c.json({ error, error_description: description }, status, status === 401 ? { "WWW-Authenticate": 'Basic realm="linky-gateway"' } : {});
    const form = c.req.valid("form");
    if (!form.grant_type) return oauthError(400, "invalid_request", "grant_type est obligatoire.");
    if (form.grant_type !== "client_credentials") return oauthError(400, "unsupported_grant_type", "Seul client_credentials est accepté.");
    const header = c.req.header("Authorization");
    const basic = header && /^basic\s/i.test(header) ? decodeBasic(header.replace(/^basic\s+/i, "")) : null;
    const clientId = basic?.id ?? form.client_id;
    const clientSecret = basic?.secret ?? form.client_secret;
    if (!clientId || !clientSecret) return oauthError(400, "invalid_request", "client_id et client_secret sont obligatoires.");
    const hit = await authenticateClient(c.env, clientSecret, clientId);
    if (!hit) return oauthError(401, "invalid_client", "Client inconnu ou secret incorrect.");
    const t = await issueAuthToken(c.env, hit.user.id, hit.dataKey, "access_token");
    return c.json({ access_token: t.token, token_type: "bearer" as const, expires_in: ACCESS_TOKEN_TTL_SECONDS }, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/recover",
    tags,
    summary: "Forgotten password: email + client_secret set a new password (cache kept readable, everyone signed out)",
    description:
      "No authentication. The client_secret unwraps the account's data key, which is re-wrapped under the new password. Every web session and access token is revoked. An unknown email and a wrong secret get the same 401. Throttled like login (per email and IP pair, per email, per IP).",
    request: { body: { content: { "application/json": { schema: RecoverSchema } }, required: true } },
    responses: { 200: jsonContent(envelope(Empty), "Password replaced"), ...errorResponses(400, 401, 429) },
  }),
  async (c) => {
    const { email, client_secret, new_password } = c.req.valid("json");
    await throttleLogin(c.env, clientIp(c.req.raw), email);
    const result = await recoverAccount(c.env, email, client_secret, new_password);
    if (result !== "recovered") throw new AppError(401, "INVALID_CREDENTIALS", RECOVERY_REFUSALS[result]);
    return c.json({ success: true as const, data: {} }, 200);
  },
);

// Everything below needs a caller.
accountsApi.use("/me", requireAuth);
accountsApi.use("/regenerate-secret", requireAuth);
accountsApi.use("/update-password", requireAuth);
accountsApi.use("/usage-stats", requireAuth);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags,
    security: authenticated,
    summary: "The calling account",
    responses: { 200: jsonContent(envelope(AccountSchema), "Account"), ...errorResponses(401) },
  }),
  (c) => {
    const me = c.get("caller");
    return c.json({ success: true as const, data: { user_id: me.userId, email: me.email, client_id: me.clientId, created_at: me.createdAt, is_admin: me.isAdmin } }, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/regenerate-secret",
    tags,
    security: authenticated,
    summary: "New client_secret (shown once); the old one and its access tokens stop working at once",
    responses: { 200: jsonContent(envelope(z.object({ client_id: z.string(), client_secret: z.string() })), "New secret"), ...errorResponses(401) },
  }),
  async (c) => {
    const me = c.get("caller");
    const clientSecret = await regenerateClientSecret(c.env, me.userId, me.dataKey);
    await revokeAuthTokensOf(c.env, me.userId, "access_token");
    return c.json({ success: true as const, data: { client_id: me.clientId, client_secret: clientSecret } }, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "post",
    path: "/update-password",
    tags,
    security: authenticated,
    summary: "Change the password; every access token and web session is revoked, except the session making the change",
    description: "Throttled per account and per IP like login (429 TOO_MANY_ATTEMPTS with Retry-After). The client_secret is unchanged.",
    request: { body: { content: { "application/json": { schema: UpdatePasswordSchema } }, required: true } },
    responses: { 200: jsonContent(envelope(Empty), "Changed"), ...errorResponses(400, 401, 429) },
  }),
  async (c) => {
    const me = c.get("caller");
    const { old_password, new_password } = c.req.valid("json");
    await throttlePasswordCheck(c.env, clientIp(c.req.raw), me.userId);
    const user = await findUserById(c.env, me.userId);
    if (!user) throw new AppError(401, "UNAUTHORIZED", "Identifiants absents ou invalides.");
    await changePassword(c.env, user, old_password, new_password);
    await revokeSignIns(c.env, me.userId, me.via === "session" ? me.sessionHash : undefined);
    return c.json({ success: true as const, data: {} }, 200);
  },
);

accountsApi.openapi(
  createRoute({
    method: "get",
    path: "/usage-stats",
    tags,
    security: authenticated,
    summary: "Today's quota use (UTC day)",
    responses: { 200: jsonContent(envelope(UsageStatsSchema), "Usage"), ...errorResponses(401) },
  }),
  async (c) => {
    const config = getConfig(c.env);
    const u = await usageFor(c.env, c.get("caller").userId);
    return c.json(
      {
        success: true as const,
        data: {
          no_cache_requests: u.noCache,
          no_cache_limit: config.dailyLimitNoCache,
          cached_requests: u.cached,
          cached_limit: config.dailyLimitWithCache,
          reset_at: new Date(u.resetAtSec * 1000).toISOString(),
        },
      },
      200,
    );
  },
);

accountsApi.openapi(
  createRoute({
    method: "delete",
    path: "/me",
    tags,
    security: authenticated,
    summary: "Delete the account: PDLs, cache, tokens and credentials, irreversibly; asks for the password",
    description: "A credential alone (a leaked API key, a session) cannot delete: the JSON body must carry the account's password, else 401 INVALID_CREDENTIALS. Password checks are throttled per account and per IP.",
    request: { body: { content: { "application/json": { schema: DeleteAccountSchema } }, required: false } },
    responses: { 200: jsonContent(envelope(Empty), "Deleted"), ...errorResponses(401, 429) },
  }),
  async (c) => {
    const me = c.get("caller");
    const password = (c.req.valid("json") as { password?: string } | undefined)?.password ?? "";
    await throttlePasswordCheck(c.env, clientIp(c.req.raw), me.userId);
    const user = await findUserById(c.env, me.userId);
    if (!user || !(await checkPassword(c.env, user, password))) {
      throw new AppError(401, "INVALID_CREDENTIALS", "Mot de passe incorrect : le compte n'a pas été supprimé.", { field: "password" });
    }
    await deleteAccount(c.env, me.userId);
    return c.json({ success: true as const, data: {} }, 200);
  },
);
