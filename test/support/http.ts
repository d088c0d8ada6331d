import { exports } from "cloudflare:workers";

/** Drives the worker like a client would (its real fetch handler, real local D1/KV/DO). */
export const ORIGIN = "http://localhost:8000";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  // Signup/login are throttled per IP: unless a test picks one, each request comes from its own address.
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
  return exports.default.fetch(new Request(new URL(path, ORIGIN), { ...init, headers }));
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const basic = (id: string, secret: string) => ({ Authorization: `Basic ${btoa(`${id}:${secret}`)}` });

let counter = 0;
/** Signup/login are throttled per IP: each simulated client gets its own address. */
export const randomIp = () => `10.${(counter++ % 250) + 1}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
export const uniqueEmail = (tag = "user") => `${tag}-${Date.now()}-${++counter}@example.test`;

export interface ApiAccount {
  userId: string;
  email: string;
  password: string;
  clientId: string;
  clientSecret: string;
}

export async function apiSignup(email = uniqueEmail(), password = "correct horse battery"): Promise<ApiAccount> {
  const res = await call("/api/accounts/signup", json({ email, password }, { "CF-Connecting-IP": randomIp() }));
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const { data } = (await res.json()) as { data: { user_id: string; client_id: string; client_secret: string } };
  return { userId: data.user_id, email, password, clientId: data.client_id, clientSecret: data.client_secret };
}

/** A browser: keeps cookies, sends Origin on POSTs (as browsers do), never follows redirects by itself. */
export class Browser {
  cookies = new Map<string, string>();
  ip = randomIp();

  /** How a request reaches the worker; BrowserOn (test/support/consent.ts) sends it under other settings. */
  protected send(path: string, init: RequestInit): Promise<Response> {
    return call(path, init);
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if ((init.method ?? "GET") !== "GET" && !headers.has("Origin")) headers.set("Origin", ORIGIN);
    if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", this.ip);
    const res = await this.send(path, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || attrs.some((a) => /max-age=0/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  form(path: string, fields: Record<string, string>) {
    return this.fetch(path, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  }

  /** Follows redirects (relative or absolute to this worker), returning the final response and URL. */
  async follow(res: Response): Promise<{ res: Response; url: string }> {
    let url = "";
    while (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get("Location")!, ORIGIN);
      url = location.pathname + location.search;
      res = await this.fetch(url);
    }
    return { res, url };
  }

  async signup(email = uniqueEmail("web"), password = "correct horse battery") {
    const res = await this.form("/signup", { email, password });
    if (res.status !== 201) throw new Error(`web signup failed: ${res.status}`);
    const html = await res.text();
    return { email, password, clientSecret: /id="client-secret">([^<]+)</.exec(html)![1], clientId: /id="client-id">([^<]+)</.exec(html)![1] };
  }
}

/** The client_id vitest.config.ts lists in ADMIN_CLIENT_IDS. */
export const TEST_ADMIN_CLIENT_ID = "lgc_test_admin";

/**
 * Makes an account the administrator named in ADMIN_CLIENT_IDS (client_ids are random, so the test gives this
 * account the listed one, as an operator would list its own). One per test file: client_id is unique.
 */
export async function makeAdmin(userIdOrEmail: string): Promise<void> {
  const { env } = await import("cloudflare:workers");
  await env.DB.prepare("UPDATE users SET client_id = ? WHERE id = ? OR email = ?").bind(TEST_ADMIN_CLIENT_ID, userIdOrEmail, userIdOrEmail).run();
}
