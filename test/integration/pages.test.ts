import { describe, expect, it } from "vitest";
import { Browser, call, makeAdmin, uniqueEmail } from "../support/http";

describe("pages (French, server-rendered)", () => {
  it("home explains SIRET, consent and the encrypted cache, with no consent button", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toContain('lang="fr"');
    expect(html).toMatch(/SIRET/);
    expect(html).toMatch(/consentement/i);
    expect(html).toMatch(/chiffrées avec votre clé API/);
    expect(html).toMatch(/y compris pour l'opérateur|y compris pour l&#39;opérateur/);
    expect(html).not.toContain("Consentement Enedis</button>");
    expect(res.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors 'none'/);
  });

  it("signup shows the credentials once and opens a session; errors are clear French messages", async () => {
    const b = new Browser();
    const email = uniqueEmail("page");
    const created = await b.form("/signup", { email, password: "long enough pw" });
    expect(created.status).toBe(201);
    const html = await created.text();
    expect(html).toMatch(/id="client-secret">lgs_/);
    expect(html).toMatch(/ne sera plus jamais affichée/);
    const dashboard = await b.fetch("/dashboard");
    expect(dashboard.status).toBe(200);
    const dash = await dashboard.text();
    expect(dash).toContain("Consentement Enedis");
    expect(dash).not.toContain("lgs_"); // the secret is never shown again

    const dup = await new Browser().form("/signup", { email, password: "long enough pw" });
    expect(dup.status).toBe(409);
    expect(await dup.text()).toMatch(/Un compte existe déjà/);
    const weak = await new Browser().form("/signup", { email: uniqueEmail(), password: "court" });
    expect(weak.status).toBe(400);
    expect(await weak.text()).toMatch(/au moins 8 caractères/);
    const bad = await new Browser().form("/signup", { email: "pas-un-email", password: "long enough pw" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Adresse e-mail invalide/);
  });

  it("login, logout and the dashboard guard", async () => {
    const b = new Browser();
    const account = await b.signup();
    await b.form("/logout", {});
    expect((await b.fetch("/dashboard")).headers.get("Location")).toBe("/login");
    const wrong = await b.form("/login", { email: account.email, password: "nope nope" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toMatch(/incorrect/);
    const ok = await b.form("/login", { email: account.email, password: account.password });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("Location")).toBe("/dashboard");
    expect((await b.fetch("/dashboard")).status).toBe(200);
  });

  it("/admin is for administrators only", async () => {
    const user = new Browser();
    await user.signup();
    expect((await user.fetch("/admin")).status).toBe(403);
    const admin = new Browser();
    await makeAdmin((await admin.signup()).email);
    const page = await admin.fetch("/admin");
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Utilisateurs/);
  });

  it("/docs and /api/openapi.json: an OpenAPI 3.1 document generated from the route schemas", async () => {
    const docs = await call("/docs");
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("/swagger-ui/swagger-ui-bundle.js");
    const res = await call("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/accounts/signup",
      "/api/accounts/token",
      "/api/pdl/{usage_point_id}/status",
      "/api/enedis/consumption/daily/{usage_point_id}",
      "/api/enedis/consumption/detail/batch/{usage_point_id}",
      "/api/enedis/contact/{usage_point_id}",
      "/api/admin/users/{user_id}/reset-quota",
      "/api/oauth/authorize",
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/api/enedis/consumption/daily/{usage_point_id}"].get.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(["usage_point_id", "start", "end", "format", "use_cache"]));
    expect(doc.components.securitySchemes).toHaveProperty("oauth2");
  });

  it("unknown API routes answer the JSON envelope 404, unknown pages a French page", async () => {
    const api = await call("/api/nope");
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ success: false, error: { code: "NOT_FOUND" } });
    const page = await call("/nope");
    expect(page.status).toBe(404);
    expect(await page.text()).toMatch(/n'existe pas|n&#39;existe pas/);
  });
});

describe("review fixes", () => {
  it("PATCH /api/pdl/{id} with nothing to change is a 400, not a 500", async () => {
    const { apiSignup, bearer, json } = await import("../support/http");
    const a = await apiSignup();
    const res = await call("/api/pdl/09100000000001", { ...json({}, bearer(a.clientSecret)), method: "PATCH" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_ERROR");
  });

  it("a throttled login page says when to come back (Retry-After)", async () => {
    const b = new Browser();
    let res: Response | undefined;
    for (let i = 0; i < 12; i++) res = await b.form("/login", { email: "throttled@example.test", password: "whatever pw" });
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
