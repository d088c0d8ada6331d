// The newcomer's journey from PRODUCT.md (steps 1–7), in a real browser against `wrangler dev` with the built-in Enedis simulator:
// home → sign up → log out / log in → "Consentement Enedis" → simulated Enedis consent page → PDLs on the dashboard → details → /docs.
// Run by scripts/e2e.mjs (which starts the server and the browser); each case is one assertion group, see run-cases.mjs.
import assert from "node:assert/strict";
import { chartsCases } from "./charts-journey.mjs";

// Household "durand" of the simulator has two usage points (src/simulator/households.ts).
const HOUSEHOLD = "durand";
const DURAND_PDLS = ["09200000000001", "09200000000002"];
// v2 is the default consent generation (API.md): the journey runs on it.
const CONSENT_PAGE_PATH = /^\/simulator\/dataconnect\/v2\/oauth2\/authorize$/;

const HOME = "home explains SIRET, consent and the encrypted cache, with no consent button";
const SIGNUP = "sign up shows client_id and client_secret once, then the dashboard";
const RELOGIN = "log out, then log in again with the same credentials";
const CONSENT = `consent on the simulated Enedis page (household ${HOUSEHOLD}) detects 2 new PDLs`;
const CONSENT_AGAIN = "the same consent again detects 2 PDLs, 0 new";
const REFUSAL = "refusing on the Enedis page shows an error and keeps the 2 PDLs";
const DETAILS = `"Détails" of ${DURAND_PDLS[0]} shows the subscribed power and the address`;
const DOCS = "/docs renders Swagger UI offline with the API title";

const onPath = (expected) => (url) => url.pathname === expected;

async function mainText(page) {
  return (await page.locator("main").innerText()).replace(/\s+/g, " ");
}

async function expectOnDashboard(page) {
  await page.waitForURL(onPath("/dashboard"));
  await page.waitForLoadState("load");
}

/** Dashboard → "Consentement Enedis" → the simulator's consent page; checks the query PRODUCT.md step 4 describes. */
async function openConsentPage(page, baseUrl) {
  await page.goto(`${baseUrl}/dashboard`);
  await expectOnDashboard(page);
  await page.getByRole("button", { name: "Consentement Enedis" }).click();
  await page.waitForURL((url) => CONSENT_PAGE_PATH.test(url.pathname));
  const query = new URL(page.url()).searchParams;
  assert.equal(query.get("response_type"), "code", "consent URL: response_type=code");
  assert.equal(query.get("duration"), "P36M", "consent URL: duration=P36M");
  assert.ok(query.get("client_id"), "consent URL: client_id is present");
  assert.ok(query.get("state"), "consent URL: state is present");
}

async function decideOnConsentPage(page, decision, household = HOUSEHOLD) {
  await page.locator(`input[name=household][value=${household}]`).check();
  await page.getByRole("button", { name: decision, exact: true }).click();
  await expectOnDashboard(page);
}

async function consentResult(page) {
  const flash = page.locator("#consent-result");
  await flash.waitFor({ state: "visible" });
  return { text: (await flash.innerText()).trim(), className: (await flash.getAttribute("class")) ?? "" };
}

async function expectDurandPdls(page) {
  for (const id of DURAND_PDLS) {
    assert.equal(await page.locator(`[data-usage-point-id="${id}"]`).count(), 1, `the PDL list shows ${id} once`);
  }
  assert.equal(await page.locator("[data-usage-point-id]").count(), DURAND_PDLS.length, `the PDL list has exactly ${DURAND_PDLS.length} entries`);
}

/**
 * @param {{ email: string, password: string }} account a fresh account for this run
 * @returns {import("./run-cases.mjs").JourneyCase[]}
 */
export function journeyCases(account) {
  return [
    {
      name: HOME,
      async run({ page, baseUrl }) {
        const response = await page.goto(`${baseUrl}/`);
        assert.equal(response?.status(), 200, "GET / answers 200");
        const text = await mainText(page);
        assert.match(text, /SIRET/, "the home page says Enedis's API needs a SIRET");
        assert.match(text, /consentement/i, "the home page explains consent");
        assert.match(text, /chiffré/i, "the home page says the cache is encrypted");
        assert.equal(await page.getByRole("button", { name: /Consentement Enedis/i }).count(), 0, "no consent button on the home page");
        assert.equal(await page.getByRole("link", { name: /Consentement Enedis/i }).count(), 0, "no consent link on the home page");
      },
    },
    {
      name: SIGNUP,
      async run({ page, baseUrl }) {
        await page.goto(`${baseUrl}/signup`);
        await page.locator("input[name=email]").fill(account.email);
        await page.locator("input[name=password]").fill(account.password);
        await page.getByRole("button", { name: "Créer mon compte" }).click();
        await page.locator("#client-secret").waitFor({ state: "visible" });
        const clientId = (await page.locator("#client-id").innerText()).trim();
        const clientSecret = (await page.locator("#client-secret").innerText()).trim();
        assert.ok(clientId.length > 0, "#client-id is not empty");
        assert.ok(clientSecret.length > 0, "#client-secret is not empty");
        assert.notEqual(clientSecret, clientId, "the secret is not the client_id");
        await page.getByRole("link", { name: "Aller au tableau de bord" }).click();
        await expectOnDashboard(page);
      },
    },
    {
      name: RELOGIN,
      needs: [SIGNUP],
      async run({ page, baseUrl }) {
        await page.getByRole("button", { name: "Se déconnecter" }).click();
        await page.waitForURL((url) => url.pathname !== "/dashboard");
        // Logged out for real: the dashboard sends us to the login page.
        await page.goto(`${baseUrl}/dashboard`);
        await page.waitForURL(onPath("/login"));
        await page.locator("input[name=email]").fill(account.email);
        await page.locator("input[name=password]").fill(account.password);
        await page.getByRole("button", { name: "Se connecter" }).click();
        await expectOnDashboard(page);
      },
    },
    {
      name: CONSENT,
      needs: [RELOGIN],
      async run({ page, baseUrl }) {
        await openConsentPage(page, baseUrl);
        await decideOnConsentPage(page, "Accepter");
        const flash = await consentResult(page);
        assert.equal(flash.text, "Bravo ! 2 points de livraison détectés (2 nouveaux).", "#consent-result after the first consent");
        await expectDurandPdls(page);
      },
    },
    {
      name: CONSENT_AGAIN,
      // Needs only a signed-in browser: if the first consent's message is wrong, this and the next cases still check their own part.
      needs: [RELOGIN],
      async run({ page, baseUrl }) {
        await openConsentPage(page, baseUrl);
        await decideOnConsentPage(page, "Accepter");
        const flash = await consentResult(page);
        assert.equal(flash.text, "Bravo ! 2 points de livraison détectés (0 nouveaux).", "#consent-result after the same consent again");
        await expectDurandPdls(page);
      },
    },
    {
      name: REFUSAL,
      needs: [RELOGIN],
      async run({ page, baseUrl }) {
        await openConsentPage(page, baseUrl);
        await decideOnConsentPage(page, "Refuser");
        const flash = await consentResult(page);
        assert.ok(flash.text.length > 0, "#consent-result has a message");
        assert.doesNotMatch(flash.text, /^Bravo/, "a refusal is not reported as a success");
        assert.match(flash.className, /\berror\b/, "#consent-result is shown as an error");
        await expectDurandPdls(page);
      },
    },
    {
      name: DETAILS,
      needs: [RELOGIN],
      async run({ page, baseUrl }) {
        await page.goto(`${baseUrl}/dashboard`);
        await page.locator(`[data-usage-point-id="${DURAND_PDLS[0]}"]`).getByRole("link", { name: "Détails" }).click();
        await page.waitForURL(onPath(`/dashboard/pdl/${DURAND_PDLS[0]}`));
        const text = await mainText(page);
        assert.match(text, /Puissance souscrite\s*:?\s*\d+(?:[.,]\d+)?\s?kVA/, `"Puissance souscrite" followed by a number of kVA (page text: ${text.slice(0, 300)}…)`);
        const address = page.locator("#address");
        await address.waitFor({ state: "visible" });
        assert.equal(await address.locator(".error-text").count(), 0, `#address shows no error (${(await address.innerText()).trim()})`);
        const addressText = (await address.innerText()).replace(/^\s*Adresse\s*/, "").trim();
        assert.ok(addressText.length > 0, "#address has text besides its heading");
      },
    },
    {
      name: DOCS,
      async run({ page, baseUrl }) {
        const origin = new URL(baseUrl).origin;
        const elsewhere = [];
        const onRequest = (request) => {
          if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) elsewhere.push(new URL(request.url()).host);
        };
        page.on("request", onRequest);
        try {
          const response = await page.goto(`${baseUrl}/docs`);
          assert.equal(response?.status(), 200, "GET /docs answers 200");
          await page.locator(".swagger-ui").first().waitFor({ state: "attached" });
          await page.locator(".swagger-ui .info .title", { hasText: "Linky gateway API" }).waitFor({ state: "visible" });
          assert.ok((await page.locator(".swagger-ui .opblock").count()) > 0, "Swagger UI lists the API's operations");
          assert.deepEqual([...new Set(elsewhere)], [], "/docs loads nothing from outside the gateway");
        } finally {
          page.off("request", onRequest);
        }
      },
    },
    // The energy page (charts, periods, a day's curve, CSV, phone): after the consents above.
    ...chartsCases({
      needs: [CONSENT],
      async consentHousehold(page, baseUrl, household) {
        await openConsentPage(page, baseUrl);
        await decideOnConsentPage(page, "Accepter", household);
        assert.match((await consentResult(page)).text, /^Bravo ! /, `consent for ${household}`);
      },
    }),
  ];
}
