import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { Browser, apiSignup, bearer, call, type ApiAccount } from "../support/http";
import { consent } from "../support/consent";

const consentRecordOf = (pdl: string) => env.DB.prepare("SELECT consent_expires_at, last_error FROM usage_points WHERE usage_point_id = ?").bind(pdl).first();

/**
 * SECURITY.md property 4: another account's PDL answers exactly like a PDL that does not exist — on every
 * route, whatever the method — and nothing of it changes.
 */
const A_PDL = "09100000000001";
const MISSING = "09999999999999";
const today = todayInParis(new Date());
const range = `start=${addDays(today, -12)}&end=${addDays(today, -10)}`;

type Probe = { method: string; path: (id: string) => string; body?: unknown };
const PROBES: Probe[] = [
  { method: "GET", path: (id) => `/api/pdl/${id}` },
  { method: "PATCH", path: (id) => `/api/pdl/${id}`, body: { name: "pwned", is_active: false } },
  { method: "DELETE", path: (id) => `/api/pdl/${id}` },
  { method: "GET", path: (id) => `/api/pdl/${id}/status` },
  ...[
    "consumption/daily",
    "consumption/detail",
    "consumption/detail/batch",
    "power",
    "production/daily",
    "production/detail",
    "production/detail/batch",
  ].flatMap((route): Probe[] => [
    { method: "GET", path: (id) => `/api/enedis/${route}/${id}?${range}` },
    { method: "GET", path: (id) => `/api/enedis/${route}/${id}?${range}&use_cache=false&format=csv` },
    // dates the gateway would reject: ownership is still checked first
    { method: "GET", path: (id) => `/api/enedis/${route}/${id}?start=2026-13-01&end=2026-13-02` },
  ]),
  ...["contract", "address", "customer", "contact"].map((route): Probe => ({ method: "GET", path: (id) => `/api/enedis/${route}/${id}` })),
  { method: "DELETE", path: (id) => `/api/enedis/cache/${id}` },
];

const send = (probe: Probe, id: string, headers: Record<string, string>) =>
  call(probe.path(id), {
    method: probe.method,
    headers: probe.body ? { "Content-Type": "application/json", ...headers } : headers,
    body: probe.body ? JSON.stringify(probe.body) : undefined,
  });

/** Status, content type and exact body bytes: what a prober could compare. */
const fingerprint = async (res: Response) => ({ status: res.status, type: res.headers.get("Content-Type"), body: await res.text() });

describe("property 4: another account's PDL is indistinguishable from a missing one", () => {
  let ownerSecret: string;
  let ownerBrowser: Browser;
  let intruder: ApiAccount;
  const ownerView = async () => ({
    pdl: await (await call(`/api/pdl/${A_PDL}`, { headers: bearer(ownerSecret) })).text(),
    list: await (await call("/api/pdl", { headers: bearer(ownerSecret) })).text(),
  });

  beforeAll(async () => {
    ownerBrowser = new Browser();
    ownerSecret = (await ownerBrowser.signup()).clientSecret;
    await consent(ownerBrowser, "martin");
    expect((await call(`/api/enedis/consumption/daily/${A_PDL}?${range}`, { headers: bearer(ownerSecret) })).status).toBe(200);
    expect((await call(`/api/pdl/${A_PDL}`, { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(ownerSecret) }, body: JSON.stringify({ name: "Maison A" }) })).status).toBe(200);
    intruder = await apiSignup();
  });

  it("every /api/pdl and /api/enedis route: 404 PDL_NOT_FOUND, byte-identical to a non-existent PDL", async () => {
    const before = await ownerView();
    for (const probe of PROBES) {
      const label = `${probe.method} ${probe.path(A_PDL)}`;
      const foreign = await fingerprint(await send(probe, A_PDL, bearer(intruder.clientSecret)));
      const missing = await fingerprint(await send(probe, MISSING, bearer(intruder.clientSecret)));
      expect(foreign.status, label).toBe(404);
      expect(JSON.parse(foreign.body), label).toMatchObject({ success: false, error: { code: "PDL_NOT_FOUND" } });
      expect(foreign, label).toEqual(missing);
      expect(foreign.body, label).not.toContain("Maison A");
    }
    // the owner's PDL, its consent record and its cache are untouched
    expect(await ownerView()).toEqual(before);
    expect(await consentRecordOf(A_PDL)).toMatchObject({ consent_expires_at: expect.any(String) });
    const cached = await call(`/api/enedis/consumption/daily/${A_PDL}?${range}`, { headers: bearer(ownerSecret) });
    expect(cached.headers.get("X-Cache-Status")).toBe("HIT");
    const row = await env.DB.prepare("SELECT name, is_active FROM usage_points WHERE usage_point_id = ?").bind(A_PDL).first();
    expect(row).toEqual({ name: "Maison A", is_active: 1 });
  });

  it("the same through the intruder's dashboard session (API and pages)", async () => {
    const b = new Browser();
    await b.signup();
    for (const probe of PROBES.filter((p) => p.method === "GET").slice(0, 6)) {
      const foreign = await fingerprint(await b.fetch(probe.path(A_PDL)));
      const missing = await fingerprint(await b.fetch(probe.path(MISSING)));
      expect(foreign.status).toBe(404);
      expect(foreign).toEqual(missing);
    }
    const page = await fingerprint(await b.fetch(`/dashboard/pdl/${A_PDL}`));
    expect(page.status).toBe(404);
    expect(page).toEqual(await fingerprint(await b.fetch(`/dashboard/pdl/${MISSING}`)));
    expect(page.body).not.toContain("Maison A");
    for (const action of ["rename", "toggle", "delete"]) {
      const res = await b.form(`/dashboard/pdl/${A_PDL}/${action}`, { name: "pwned" });
      expect(res.status, action).toBe(404);
    }
    const row = await env.DB.prepare("SELECT name, is_active, user_id FROM usage_points WHERE usage_point_id = ?").bind(A_PDL).first<{ name: string; is_active: number }>();
    expect(row).toMatchObject({ name: "Maison A", is_active: 1 });
    expect(await consentRecordOf(A_PDL)).toMatchObject({ consent_expires_at: expect.any(String) });
  });

  it("a disabled PDL of another account is still a plain 404 (not PDL_DISABLED)", async () => {
    expect((await call(`/api/pdl/${A_PDL}`, { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(ownerSecret) }, body: JSON.stringify({ is_active: false }) })).status).toBe(200);
    try {
      const owner = await call(`/api/enedis/consumption/daily/${A_PDL}?${range}`, { headers: bearer(ownerSecret) });
      expect(owner.status).toBe(409);
      const probe = PROBES.find((p) => p.path("x").startsWith("/api/enedis/consumption/daily/"))!;
      const foreign = await fingerprint(await send(probe, A_PDL, bearer(intruder.clientSecret)));
      expect(foreign.status).toBe(404);
      expect(foreign).toEqual(await fingerprint(await send(probe, MISSING, bearer(intruder.clientSecret))));
    } finally {
      await call(`/api/pdl/${A_PDL}`, { method: "PATCH", headers: { "Content-Type": "application/json", ...bearer(ownerSecret) }, body: JSON.stringify({ is_active: true }) });
    }
  });

  it("the PDL list of one account never shows another's", async () => {
    const list = (await (await call("/api/pdl", { headers: bearer(intruder.clientSecret) })).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    const dashboard = await (await ownerBrowser.fetch("/dashboard")).text();
    expect(dashboard).toContain(A_PDL);
  });
});
