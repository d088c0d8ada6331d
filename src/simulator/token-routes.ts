/**
 * `POST /oauth2/v3/token` (client credentials) and `POST /oauth2/v3/revoke`, as Enedis's token API:
 * form-encoded, credentials as form fields or HTTP Basic, RFC 6749 error bodies.
 */
import { Hono, type Context } from "hono";
import { getConfig } from "../config";
import { type EnedisFailure, tokenErrors } from "./errors";
import { admitCall, sendFailure, type SimulatorEnv } from "./guard";
import { simulatorThrottle } from "./throttle";
import { issueToken, sameSecret, TOKEN_LIFETIME_S, verifyToken } from "./tokens";

export const tokenRoutes = new Hono<SimulatorEnv>();

const unsupportedMediaType: EnedisFailure = {
  status: 415,
  body: { error: "invalid_request", error_description: "Le Content-Type doit être application/x-www-form-urlencoded" },
};

type Form = Record<string, string>;

async function readForm(c: Context<SimulatorEnv>): Promise<Form | undefined> {
  if (!(c.req.header("Content-Type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) return undefined;
  const params = new URLSearchParams(await c.req.text());
  return Object.fromEntries(params);
}

/** Client credentials from HTTP Basic or form fields; both at once, or neither, is an error like at Enedis. */
function credentials(c: Context<SimulatorEnv>, form: Form): { id: string; secret: string } | EnedisFailure {
  const basic = /^Basic\s+(\S+)$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic);
    } catch {
      return tokenErrors.invalidClient;
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return tokenErrors.invalidClient;
    const fromBasic = { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
    const inForm = form.client_id !== undefined || form.client_secret !== undefined;
    // Two mechanisms at once is an invalid request, unless they carry the very same credentials.
    if (inForm && (form.client_id !== fromBasic.id || form.client_secret !== fromBasic.secret)) return tokenErrors.invalidRequest;
    return fromBasic;
  }
  if (!form.client_id || !form.client_secret) return tokenErrors.invalidClient;
  return { id: form.client_id, secret: form.client_secret };
}

function authenticate(c: Context<SimulatorEnv>, form: Form): EnedisFailure | undefined {
  const config = getConfig(c.env);
  const creds = credentials(c, form);
  if ("status" in creds) return creds;
  // Evaluate both comparisons so an unknown id and a bad secret take the same time.
  const idOk = sameSecret(creds.id, config.clientId);
  const secretOk = sameSecret(creds.secret, config.clientSecret);
  return idOk && secretOk ? undefined : tokenErrors.invalidClient;
}

tokenRoutes.post("/oauth2/v3/token", async (c) => {
  const nowMs = Date.now();
  const refusal = await admitCall(c.env, "v5", { path: "/oauth2/v3/token" }, nowMs);
  if (refusal) return sendFailure(c, refusal);
  const form = await readForm(c);
  if (!form) return sendFailure(c, unsupportedMediaType);
  if (!form.grant_type) return sendFailure(c, tokenErrors.invalidRequest);
  const failure = authenticate(c, form);
  if (failure) return sendFailure(c, failure);
  if (form.grant_type !== "client_credentials") return sendFailure(c, tokenErrors.unsupportedGrantType);
  const config = getConfig(c.env);
  const token = await issueToken(config.appSecret, config.clientId, nowMs);
  c.header("Cache-Control", "no-store");
  return c.json({ access_token: token.accessToken, token_type: "Bearer", expires_in: String(TOKEN_LIFETIME_S), scope: "am_application_scope default" });
});

tokenRoutes.post("/oauth2/v3/revoke", async (c) => {
  const nowMs = Date.now();
  const refusal = await admitCall(c.env, "v5", { path: "/oauth2/v3/revoke" }, nowMs);
  if (refusal) return sendFailure(c, refusal);
  const form = await readForm(c);
  if (!form) return sendFailure(c, unsupportedMediaType);
  const failure = authenticate(c, form);
  if (failure) return sendFailure(c, failure);
  if (!form.token) return sendFailure(c, tokenErrors.invalidRequest);
  const config = getConfig(c.env);
  const token = await verifyToken(config.appSecret, config.clientId, form.token, nowMs);
  if (token) await simulatorThrottle(c.env).revokeToken(token.tokenId, token.expiresAtMs);
  // Enedis answers 200 whether the token existed or not.
  return c.body(null, 200);
});
