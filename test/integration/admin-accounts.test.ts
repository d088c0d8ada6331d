import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Browser, apiSignup, bearer, call, makeAdmin } from "../support/http";
import { consent, pdlIdsOf } from "../support/consent";

/**
 * DELETE /api/admin/users/{user_id} and its /admin button: for a household that lost both password and
 * client_secret, the operator deletes the account exactly like its owner would, which releases its PDLs.
 */

const MARTIN_PDL = "09100000000001";
const userExists = async (userId: string) => (await env.DB.prepare("SELECT COUNT(*) AS n FROM users WHERE id = ?").bind(userId).first<{ n: number }>())!.n === 1;
const ownerOf = async (pdl: string) => (await env.DB.prepare("SELECT user_id FROM usage_points WHERE usage_point_id = ?").bind(pdl).first<{ user_id: string }>())?.user_id ?? null;
const userIdOf = async (email: string) => (await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first<{ id: string }>())!.id;

/** A household whose account holds martin's PDL. */
async function householdWithPdl() {
  await env.DB.prepare("DELETE FROM usage_points WHERE usage_point_id = ?").bind(MARTIN_PDL).run();
  const b = new Browser();
  const account = await b.signup();
  await consent(b, "martin");
  const userId = await userIdOf(account.email);
  expect(await ownerOf(MARTIN_PDL)).toBe(userId);
  return { browser: b, account, userId };
}

// One administrator for the file (ADMIN_CLIENT_IDS names one client_id): a browser session and its API key.
let admin: Browser;
let adminSecret: string;
beforeAll(async () => {
  admin = new Browser();
  const account = await admin.signup();
  adminSecret = account.clientSecret;
  await makeAdmin(account.email);
});

describe("administrator account deletion", () => {
  it("API: deletes the account like its owner would and releases its PDLs; 404 USER_NOT_FOUND, 400 for a bad id, 403 for non-admins", async () => {
    const household = await householdWithPdl();
    const stranger = await apiSignup();

    expect((await call(`/api/admin/users/${household.userId}`, { method: "DELETE", headers: bearer(stranger.clientSecret) })).status).toBe(403);
    expect(await userExists(household.userId)).toBe(true);
    const missing = await call(`/api/admin/users/${crypto.randomUUID()}`, { method: "DELETE", headers: bearer(adminSecret) });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false, error: { code: "USER_NOT_FOUND" } });
    expect((await call("/api/admin/users/not-a-uuid", { method: "DELETE", headers: bearer(adminSecret) })).status).toBe(400);

    const res = await call(`/api/admin/users/${household.userId}`, { method: "DELETE", headers: bearer(adminSecret) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ success: true, data: {} });
    expect(text).not.toContain(household.account.email);
    expect(await userExists(household.userId)).toBe(false);
    expect(await ownerOf(MARTIN_PDL)).toBeNull();
    expect((await call("/api/accounts/me", { headers: bearer(household.account.clientSecret) })).status).toBe(401);
    // the PDL is free again: the household, with a new account, can consent to it
    const again = new Browser();
    await again.signup();
    const { html } = await consent(again, "martin");
    expect(pdlIdsOf(html)).toContain(MARTIN_PDL);
    // a second deletion of the same id: 404
    expect((await call(`/api/admin/users/${household.userId}`, { method: "DELETE", headers: bearer(adminSecret) })).status).toBe(404);
  });
});

describe("the /admin deletion button", () => {
  it("has a confirmation checkbox; without it nothing is deleted; with it the account goes and its PDLs are released", async () => {
    const household = await householdWithPdl();

    const page = await (await admin.fetch("/admin")).text();
    const form = new RegExp(`<form method="post" action="/admin/users/${household.userId}/delete"[^>]*>([\\s\\S]*?)</form>`).exec(page);
    expect(form).not.toBeNull();
    expect(form![1]).toMatch(/<input type="checkbox" name="confirm" value="yes" required/);

    const unconfirmed = await admin.form(`/admin/users/${household.userId}/delete`, {});
    expect(unconfirmed.status).toBe(303);
    expect(await userExists(household.userId)).toBe(true);

    // a non-admin session cannot use it
    const other = new Browser();
    await other.signup();
    expect((await other.form(`/admin/users/${household.userId}/delete`, { confirm: "yes" })).status).toBe(403);
    expect(await userExists(household.userId)).toBe(true);

    // nor can another site through the administrator's browser (CSRF)
    const crossSite = await admin.fetch(`/admin/users/${household.userId}/delete`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: "confirm=yes",
    });
    expect(crossSite.status).toBe(403);
    expect(await userExists(household.userId)).toBe(true);

    const confirmed = await admin.form(`/admin/users/${household.userId}/delete`, { confirm: "yes" });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("Location")).toBe("/admin");
    expect(await userExists(household.userId)).toBe(false);
    expect(await ownerOf(MARTIN_PDL)).toBeNull();
    expect(await (await admin.fetch("/admin")).text()).not.toContain(household.account.email);
  });
});
