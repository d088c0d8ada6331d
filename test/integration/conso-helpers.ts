import { env } from "cloudflare:workers";
import { Browser, bearer, call } from "../support/http";
import { consent, flashOf } from "../support/consent";

/** A fresh account that consented for this simulated household (any earlier holder of its PDLs is dropped), with a conso token. */
export async function consoHousehold(name: string) {
  const { SIMULATED_HOUSEHOLDS } = await import("../../src/simulator/households");
  const ids = SIMULATED_HOUSEHOLDS.find((h) => h.id === name)!.usagePoints.map((p) => p.id);
  await env.DB.prepare(`DELETE FROM usage_points WHERE usage_point_id IN (${ids.map(() => "?").join(",")})`).bind(...ids).run();
  const browser = new Browser();
  const account = await browser.signup();
  const consented = await consent(browser, name);
  if (!/^Bravo/.test(flashOf(consented.html) ?? "")) throw new Error(`consent for ${name} failed: ${flashOf(consented.html)}`);
  const made = await call("/api/accounts/conso-token", { method: "POST", headers: bearer(account.clientSecret) });
  if (made.status !== 200) throw new Error(`conso-token answered ${made.status}`);
  const { data } = (await made.json()) as { data: { token: string; expires_at: string } };
  return {
    browser,
    account,
    ids,
    token: data.token,
    expiresAt: data.expires_at,
    conso: (path: string, token = data.token) => call(path, { headers: bearer(token) }),
    mirror: (path: string) => call(path, { headers: bearer(account.clientSecret) }),
  };
}

export type ConsoErrorBody = { status: number; message: string; error?: { error: string; error_description: string } };
export const jwtPayload = (token: string) => JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string[]; iat: number; exp: number; jti: string };
