import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiSignup, basic, bearer, call, json, makeAdmin, randomIp, uniqueEmail } from "../support/http";

describe("POST /api/accounts/signup", () => {
  it("creates an account with a permanent client_id and a client_secret shown once", async () => {
    const email = uniqueEmail();
    const res = await call("/api/accounts/signup", json({ email: email.toUpperCase(), password: "long enough pw" }, { "CF-Connecting-IP": randomIp() }));
    expect(res.status).toBe(201);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as { success: boolean; data: Record<string, string> };
    expect(body.success).toBe(true);
    expect(body.data.email).toBe(email);
    expect(body.data.client_id).toMatch(/^lgc_/);
    expect(body.data.client_secret).toMatch(/^lgs_.{40,}/);
    // the secret is not stored anywhere in D1
    const dump = JSON.stringify(await env.DB.prepare("SELECT * FROM users").all());
    expect(dump).not.toContain(body.data.client_secret);
    expect(dump).toContain("pbkdf2-sha256-peppered$100000$");
  });

  it("answers 409 USER_EXISTS for a duplicate email, 400 for a bad email or a short password", async () => {
    const a = await apiSignup();
    const dup = await call("/api/accounts/signup", json({ email: a.email, password: "another password" }));
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe("USER_EXISTS");

    const badEmail = await call("/api/accounts/signup", json({ email: "not-an-email", password: "long enough pw" }));
    expect(badEmail.status).toBe(400);
    expect(await badEmail.json()).toMatchObject({ success: false, error: { code: "INVALID_EMAIL", field: "email" } });

    const weak = await call("/api/accounts/signup", json({ email: uniqueEmail(), password: "short" }));
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ success: false, error: { code: "WEAK_PASSWORD", field: "password" } });
  });

  it("rejects malformed JSON and oversized bodies without a stack trace", async () => {
    const broken = await call("/api/accounts/signup", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{nope" });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(text).not.toMatch(/at .*\.ts/);
    expect(JSON.parse(text).success).toBe(false);

    const huge = await call("/api/accounts/signup", json({ email: uniqueEmail(), password: "x".repeat(100_000) }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("authentication, four ways", () => {
  it("accepts Bearer client_secret, Basic id:secret, Bearer access token; refuses anything else with 401 UNAUTHORIZED", async () => {
    const a = await apiSignup();
    for (const headers of [bearer(a.clientSecret), basic(a.clientId, a.clientSecret)]) {
      const res = await call("/api/accounts/me", { headers });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { user_id: string; is_admin: boolean } }).data).toMatchObject({ user_id: a.userId, is_admin: false });
    }
    const token = await call("/api/accounts/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: a.clientId, client_secret: a.clientSecret }).toString(),
    });
    expect(token.status).toBe(200);
    const t = (await token.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(t.token_type).toBe("bearer");
    expect(t.expires_in).toBeGreaterThan(0);
    expect((await call("/api/accounts/me", { headers: bearer(t.access_token) })).status).toBe(200);

    for (const headers of [{}, bearer("lgs_wrong"), bearer("lgat_wrong"), basic(a.clientId, "lgs_wrong"), basic("lgc_other", a.clientSecret), { Authorization: "Digest x" }]) {
      const res = await call("/api/accounts/me", { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ success: false, error: { code: "UNAUTHORIZED" } });
    }
  });

  it("token endpoint: HTTP Basic works; RFC 6749 errors without envelope", async () => {
    const a = await apiSignup();
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      call("/api/accounts/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
    expect((await form({ grant_type: "client_credentials" }, basic(a.clientId, a.clientSecret))).status).toBe(200);
    const wrong = await form({ grant_type: "client_credentials", client_id: a.clientId, client_secret: "lgs_nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const grant = await form({ grant_type: "password", client_id: a.clientId, client_secret: a.clientSecret });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: "unsupported_grant_type" });
    const missing = await form({ grant_type: "client_credentials" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });
  });

  it("login gives an access token; wrong password and unknown email answer the same", async () => {
    const a = await apiSignup();
    const ok = await call("/api/accounts/login", json({ email: a.email, password: a.password }));
    expect(ok.status).toBe(200);
    const { data } = (await ok.json()) as { data: { access_token: string; token_type: string } };
    expect(data.token_type).toBe("bearer");
    expect((await call("/api/accounts/me", { headers: bearer(data.access_token) })).status).toBe(200);

    const wrong = await call("/api/accounts/login", json({ email: a.email, password: "wrong password" }));
    const unknown = await call("/api/accounts/login", json({ email: uniqueEmail(), password: "wrong password" }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("throttles signups per IP", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call("/api/accounts/signup", json({ email: uniqueEmail(), password: "long enough pw" }, { "CF-Connecting-IP": ip }))).status);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it("throttles login attempts per (email, IP) pair (429 TOO_MANY_ATTEMPTS with Retry-After)", async () => {
    const a = await apiSignup();
    const ip = randomIp();
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) last = await call("/api/accounts/login", json({ email: a.email, password: "wrong password" }, { "CF-Connecting-IP": ip }));
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_ATTEMPTS");
  });
});

describe("secret regeneration and password change", () => {
  it("a new client_secret works at once, the old one and its access tokens stop", async () => {
    const a = await apiSignup();
    const token = (await (await call("/api/accounts/login", json({ email: a.email, password: a.password }))).json()) as { data: { access_token: string } };
    const res = await call("/api/accounts/regenerate-secret", { method: "POST", headers: bearer(a.clientSecret) });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { client_id: string; client_secret: string } };
    expect(data.client_id).toBe(a.clientId);
    expect(data.client_secret).not.toBe(a.clientSecret);
    expect((await call("/api/accounts/me", { headers: bearer(a.clientSecret) })).status).toBe(401);
    expect((await call("/api/accounts/me", { headers: bearer(data.client_secret) })).status).toBe(200);
    expect((await call("/api/accounts/me", { headers: bearer(token.data.access_token) })).status).toBe(401);
  });

  it("update-password checks the old one and the new rules", async () => {
    const a = await apiSignup();
    const wrong = await call("/api/accounts/update-password", json({ old_password: "nope", new_password: "brand new password" }, bearer(a.clientSecret)));
    expect(wrong.status).toBe(401);
    const weak = await call("/api/accounts/update-password", json({ old_password: a.password, new_password: "short" }, bearer(a.clientSecret)));
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: { code: string } }).error.code).toBe("WEAK_PASSWORD");
    const ok = await call("/api/accounts/update-password", json({ old_password: a.password, new_password: "brand new password" }, bearer(a.clientSecret)));
    expect(ok.status).toBe(200);
    expect((await call("/api/accounts/login", json({ email: a.email, password: "brand new password" }))).status).toBe(200);
    expect((await call("/api/accounts/login", json({ email: a.email, password: a.password }))).status).toBe(401);
  });
});

describe("usage stats and admin", () => {
  it("usage-stats reports zero use, the limits and the next UTC midnight", async () => {
    const a = await apiSignup();
    const res = await call("/api/accounts/usage-stats", { headers: bearer(a.clientSecret) });
    const { data } = (await res.json()) as { data: Record<string, unknown> };
    expect(data).toMatchObject({ no_cache_requests: 0, no_cache_limit: 50, cached_requests: 0, cached_limit: 1000 });
    const reset = new Date(data.reset_at as string);
    expect(reset.getUTCHours()).toBe(0);
    expect(reset.getTime()).toBeGreaterThan(Date.now());
  });

  it("admin routes: 403 FORBIDDEN for users, stats and user list for ADMIN_CLIENT_IDS (never by email), 404 USER_NOT_FOUND", async () => {
    const user = await apiSignup();
    expect((await call("/api/admin/stats", { headers: bearer(user.clientSecret) })).status).toBe(403);
    // an email grants nothing, however it looks
    const byEmail = await apiSignup("admin@example.test");
    expect((await call("/api/admin/stats", { headers: bearer(byEmail.clientSecret) })).status).toBe(403);
    const admin = await apiSignup();
    await makeAdmin(admin.userId);
    const stats = await call("/api/admin/stats", { headers: bearer(admin.clientSecret) });
    expect(stats.status).toBe(200);
    const s = (await stats.json()) as { data: { users: number; pdls: number; today: Record<string, number> } };
    expect(s.data.users).toBeGreaterThanOrEqual(2);
    expect(s.data.today).toHaveProperty("enedis_calls");
    const users = (await (await call("/api/admin/users", { headers: bearer(admin.clientSecret) })).json()) as { data: Array<Record<string, unknown>> };
    const row = users.data.find((u) => u.user_id === user.userId)!;
    expect(row).toMatchObject({ email: user.email, client_id: user.clientId, pdl_count: 0, cached_requests: 0, no_cache_requests: 0 });
    expect(JSON.stringify(users)).not.toContain(user.clientSecret);
    expect((await call(`/api/admin/users/${user.userId}/reset-quota`, { method: "POST", headers: bearer(admin.clientSecret) })).status).toBe(200);
    const purge = await call(`/api/admin/users/${user.userId}/cache`, { method: "DELETE", headers: bearer(admin.clientSecret) });
    expect(await purge.json()).toMatchObject({ success: true, data: { deleted: 0 } });
    const missing = await call(`/api/admin/users/${crypto.randomUUID()}/reset-quota`, { method: "POST", headers: bearer(admin.clientSecret) });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("USER_NOT_FOUND");
  });
});

describe("OpenAPI document keeps step with the account routes", () => {
  it("documents recovery, deletion with the password, the throttled password change and the admin deletion", async () => {
    type Op = { requestBody?: { content: Record<string, { schema: { $ref?: string } }> }; responses: Record<string, unknown> };
    const doc = (await (await call("/api/openapi.json")).json()) as { paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> } };
    const schemaOf = (op: Op) => doc.components.schemas[op.requestBody!.content["application/json"].schema.$ref!.split("/").pop()!];
    const recover = doc.paths["/api/accounts/recover"].post;
    expect(Object.keys(schemaOf(recover).properties).sort()).toEqual(["client_secret", "email", "new_password"]);
    expect(Object.keys(recover.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "429"]));
    const del = doc.paths["/api/accounts/me"].delete;
    expect(Object.keys(schemaOf(del).properties)).toEqual(["password"]);
    expect(Object.keys(del.responses)).toEqual(expect.arrayContaining(["200", "401", "429"]));
    expect(Object.keys(doc.paths["/api/accounts/update-password"].post.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "429"]));
    expect(Object.keys(doc.paths["/api/admin/users/{user_id}"].delete.responses)).toEqual(expect.arrayContaining(["200", "403", "404"]));
  });
});
