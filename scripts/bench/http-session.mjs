// A minimal browser for the benchmark's setup: keeps cookies, sends Origin on POSTs (the CSRF checks want it),
// never follows redirects by itself. Talks to a running `wrangler dev` over plain HTTP.

export class HttpSession {
  /** @param {string} baseUrl e.g. http://localhost:8787 (the origin the worker is configured for) */
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
  }

  async fetch(pathOrUrl, init = {}) {
    const url = new URL(pathOrUrl, this.baseUrl);
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("Cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if ((init.method ?? "GET") !== "GET" && !headers.has("Origin")) headers.set("Origin", new URL(this.baseUrl).origin);
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
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

  form(path, fields) {
    return this.fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }

  json(path, body, headers = {}) {
    return this.fetch(path, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  }
}

/** Throws with the status and a short excerpt of the body: setup failures must say where they happened. */
export async function expectStatus(res, expected, what) {
  if (res.status === expected) return res;
  const body = (await res.text()).slice(0, 300);
  throw new Error(`${what}: expected HTTP ${expected}, got ${res.status}: ${body}`);
}
