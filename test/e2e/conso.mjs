// Conso API tools against the gateway: bokub's published `linky` library (npm, pinned in package.json) drives the five
// Conso routes of a real `wrangler dev`, its host pointed at the worker under test — the one change API.md promises
// such tools need. Run by scripts/e2e.mjs after the browser journey, with the same runner and summary counts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

const CONSO_HOST = "https://conso.boris.sh"; // a constant in linky's code: its only host
// Simulator households (src/simulator/households.ts): martin consumes (with a load curve), petit also produces,
// leroy has no load curve (NO_DATA). The browser journey holds "durand", so these are free for this account.
const MARTIN = "09100000000001";
const PETIT = "09300000000001";
const LEROY = "09400000000001";
const HISTORY_DEADLINE = "The start date must be greater than the history deadline.";
const BAD_TOKEN = "Votre token est invalide ou ne permet pas d'accéder à ce PRM";

/**
 * linky and the very axios instance it calls: linky imports "axios" as an ES module, so the test imports it the same
 * way (the CommonJS build would be another instance, and the interceptor would never see linky's requests). One copy
 * of axios in node_modules is checked, not assumed.
 */
async function loadLinky() {
  const require = createRequire(import.meta.url);
  const linkyEntry = require.resolve("linky");
  const packageDir = (file) => file.slice(0, file.lastIndexOf(`${path.sep}node_modules${path.sep}axios${path.sep}`));
  assert.equal(packageDir(createRequire(linkyEntry).resolve("axios")), packageDir(require.resolve("axios")), "linky and this test share one axios");
  const linky = await import("linky");
  const axios = (await import("axios")).default;
  return { linky, axios };
}

const day = (offset) => {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};

/** A tiny cookie-keeping client for the sign-up and consent pages (plain fetch, redirects by hand). */
function webClient(baseUrl) {
  const cookies = new Map();
  const origin = new URL(baseUrl).origin;
  return async function request(pathOrUrl, { method = "GET", form } = {}) {
    const url = new URL(pathOrUrl, baseUrl);
    const headers = { Origin: origin };
    if (cookies.size) headers.Cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (form) headers["Content-Type"] = "application/x-www-form-urlencoded";
    const res = await fetch(new URL(url.pathname + url.search, baseUrl), { method, headers, body: form ? new URLSearchParams(form) : undefined, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
    return res;
  };
}

async function consentFor(web, household) {
  const start = await web("/consent", { method: "POST" });
  assert.equal(start.status, 302, "POST /consent redirects to the consent page");
  const authorize = new URL(start.headers.get("Location"));
  const answer = await web(authorize.pathname + authorize.search, { method: "POST", form: { ...Object.fromEntries(authorize.searchParams), household, decision: "accept" } });
  assert.equal(answer.status, 302, "the simulated Enedis page redirects to the callback");
  const callback = new URL(answer.headers.get("Location"));
  const back = await web(callback.pathname + callback.search);
  assert.match(back.headers.get("Location") ?? "", /consent=success/, `consent for ${household} succeeds`);
}

/** The error linky throws for an HTTP refusal: its APIError, carrying the status and Conso API's body. */
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error && "code" in error && "response" in error, `linky threw an APIError (got ${error})`);
    return { code: error.code, body: error.response };
  }
  assert.fail("linky answered data where a refusal was expected");
}

/**
 * @param {{ baseUrl: string }} options  the worker under test
 * @returns {import("./run-cases.mjs").JourneyCase[]}
 */
export function consoCases({ baseUrl }) {
  const state = { token: "", linky: null, axios: null };
  const control = (what, body) => fetch(new URL(`/simulator/_control/${what}`, baseUrl), { method: "POST", headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  const session = (prm, token = state.token) => new state.linky.Session(token, prm);

  const SETUP = "linky 2.0.2 pointed at the gateway: a conso token from POST /api/accounts/conso-token lists the account's PRMs";
  const needs = [SETUP];
  return [
    {
      name: SETUP,
      async run() {
        const { linky, axios } = await loadLinky();
        Object.assign(state, { linky, axios });
        // The host change, done the way any user of the library can: an interceptor on the shared axios instance.
        axios.interceptors.request.use((config) => {
          if (config.url?.startsWith(CONSO_HOST)) config.url = baseUrl.replace(/\/$/, "") + config.url.slice(CONSO_HOST.length);
          return config;
        });
        const web = webClient(baseUrl);
        const signup = await web("/signup", { method: "POST", form: { email: `conso-${Date.now()}-${randomBytes(3).toString("hex")}@example.test`, password: randomBytes(12).toString("base64url") } });
        assert.equal(signup.status, 201, "web sign-up");
        const secret = /id="client-secret">([^<]+)</.exec(await signup.text())?.[1];
        assert.ok(secret, "sign-up shows the client_secret");
        for (const household of ["martin", "petit", "leroy"]) await consentFor(web, household);
        const made = await fetch(new URL("/api/accounts/conso-token", baseUrl), { method: "POST", headers: { Authorization: `Bearer ${secret}` } });
        assert.equal(made.status, 200, "POST /api/accounts/conso-token");
        const { data } = await made.json();
        assert.ok(data.token && data.expires_at, "{token, expires_at}");
        state.token = data.token;
        assert.deepEqual([...session().prms].sort(), [MARTIN, PETIT, LEROY], "linky decodes sub as the array of the account's PRMs");
      },
    },
    ...[
      ["getDailyConsumption", MARTIN, -12, -2, "Wh"],
      ["getLoadCurve", MARTIN, -4, -2, "W"],
      ["getMaxPower", MARTIN, -12, -2, "VA"],
      ["getDailyProduction", PETIT, -12, -2, "Wh"],
      ["getProductionLoadCurve", PETIT, -4, -2, "W"],
    ].map(([method, prm, from, to, unit]) => ({
      name: `linky ${method}() reads ${prm} through /api (unit ${unit})`,
      needs,
      async run() {
        const data = await session(prm)[method](day(from), day(to));
        assert.equal(data.usage_point_id, prm);
        assert.equal(data.start, day(from));
        assert.equal(data.reading_type.unit, unit);
        assert.ok(Array.isArray(data.interval_reading) && data.interval_reading.length > 0, "readings");
        assert.ok(data.interval_reading.every((r) => typeof r.value === "string" && typeof r.date === "string"), "v5 readings: value and date strings");
      },
    })),
    {
      name: "start before the history limit: 400 with the error_description ha-linky stops on",
      needs,
      async run() {
        const { code, body } = await refusal(session(MARTIN).getDailyConsumption(day(-4 * 365), day(-4 * 365 + 5)));
        assert.equal(code, 400);
        assert.equal(body.status, 400);
        assert.equal(body.error?.error_description, HISTORY_DEADLINE);
      },
    },
    {
      name: "no data (load curve not activated): 404 no_data_found",
      needs,
      async run() {
        const { code, body } = await refusal(session(LEROY).getLoadCurve(day(-4), day(-2)));
        assert.equal(code, 404);
        assert.deepEqual(body.error, { error: "no_data_found", error_description: "no measure found for this usage point" });
      },
    },
    {
      name: "invalid parameters: 400",
      needs,
      async run() {
        const { code, body } = await refusal(session(MARTIN).getDailyConsumption("2026-13-45", day(-2)));
        assert.equal(code, 400);
        assert.equal(body.status, 400);
        assert.ok(body.message);
      },
    },
    {
      name: "a token whose signature is not the gateway's: 401 with Conso API's text",
      needs,
      async run() {
        const [h, p, s] = state.token.split(".");
        const forged = `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
        const { code, body } = await refusal(session(MARTIN, forged).getDailyConsumption(day(-5), day(-3)));
        assert.equal(code, 401);
        assert.equal(body.message, BAD_TOKEN);
      },
    },
    {
      name: "missing Authorization header: 400; OPTIONS preflight: 200",
      needs,
      async run() {
        const url = `${CONSO_HOST}/api/daily_consumption?prm=${MARTIN}&start=${day(-5)}&end=${day(-3)}`;
        const res = await state.axios.get(url, { validateStatus: () => true });
        assert.equal(res.status, 400);
        assert.equal(res.data.status, 400);
        const preflight = await state.axios.request({ method: "OPTIONS", url, headers: { Origin: "https://mirror.example", "Access-Control-Request-Method": "GET" }, validateStatus: () => true });
        assert.equal(preflight.status, 200);
        assert.equal(preflight.headers["access-control-allow-origin"], "*");
      },
    },
    {
      name: "Enedis budget (Enedis answers 429): 429 with Retry-After",
      needs,
      async run() {
        await control("reset");
        // More faults than the request can use (it retries once, after Enedis's stated time): background sync runs in
        // `wrangler dev` and may take some of them for the same PDL; whatever is left is cleared below.
        await control("faults", { status: 429, count: 20, usage_point_id: MARTIN });
        try {
          const { code } = await refusal(session(MARTIN).getDailyConsumption(day(-30), day(-29)));
          assert.equal(code, 429);
        } finally {
          await control("reset");
          // The gateway honours Enedis's throttle (one second for this fault) before calling it again.
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      },
    },
    {
      name: "Enedis failing: 502/503",
      needs,
      async run() {
        // As above: enough 500s that background sync taking some cannot let the request through (it retries a 500 once).
        await control("faults", { status: 500, count: 20, usage_point_id: MARTIN });
        try {
          const { code, body } = await refusal(session(MARTIN).getDailyConsumption(day(-40), day(-39)));
          assert.ok([502, 503].includes(code), `status ${code}`);
          assert.equal(body.status, code);
        } finally {
          await control("reset");
        }
      },
    },
    {
      name: "daily quota used up: 429 with Retry-After",
      needs,
      async run() {
        // Each day not yet cached needs Enedis: one no-cache request per call, until the account's daily quota refuses.
        let refused;
        for (let i = 0; i < 60 && !refused; i++) {
          const res = await state.axios.get(`${CONSO_HOST}/api/daily_consumption?prm=${MARTIN}&start=${day(-100 - i)}&end=${day(-99 - i)}`, { headers: { Authorization: `Bearer ${state.token}` }, validateStatus: () => true });
          if (res.status === 429) refused = res;
          else assert.equal(res.status, 200, `call ${i + 1}: ${res.status}`);
        }
        assert.ok(refused, "the quota refused within 60 calls");
        assert.ok(Number(refused.headers["retry-after"]) > 0, "Retry-After");
        assert.equal(refused.headers["x-ratelimit-remaining"], "0");
        const { code } = await refusal(session(MARTIN).getDailyConsumption(day(-200), day(-199)));
        assert.equal(code, 429, "linky sees the same 429");
      },
    },
  ];
}
