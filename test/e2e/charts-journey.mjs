// The energy page in a real browser (issue 8, part 4): after consent, open the charts, switch period, open a day's load
// curve, download a CSV — then the same on a phone-sized viewport. Each view is saved to docs/screenshots/ for the README.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
// Durand's main home: consumption, off-peak hours "HC (23H00-7H00)", 12 kVA (src/simulator/households.ts).
const DURAND_HOME = "09200000000001";
// Petit: consumption and solar production on the same point.
const PETIT = "09300000000001";
const PHONE = { width: 390, height: 844 };

const OPEN = "the charts of a PDL: 30 days of consumption, off-peak share, max power against 9–12 kVA, yesterday's load curve";
const PERIODS = "switching period: 7 days (7 bars), 12 months (12 monthly bars), a custom range";
const DAY = "a day's bar opens that day's load curve, off-peak hours shaded";
const CSV = "the CSV download lists what is shown, in French spreadsheet format";
const PRODUCER = "a producer's charts show production beside consumption; deleting that PDL removes it from the dashboard";
const ON_PHONE = "on a phone-sized screen: charts fit the width, period switch, day curve and CSV work";
const CONSO = "the dashboard makes a Conso API token, shown once, that reads a day of data (on a phone-sized screen too)";

const energyPath = (id, query = "") => `/dashboard/pdl/${id}/energie${query}`;

async function shot(page, name, locator) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.png`;
  if (locator) await locator.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

async function bars(page, chartId) {
  return page.locator(`#${chartId} rect.bar`).count();
}

/** The text of the page's main part with whitespace folded (thin no-break spaces included). */
async function text(page, selector = "main") {
  return (await page.locator(selector).innerText()).replace(/[\s\u202f]+/g, " ");
}

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(selector).click()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), body: readFileSync(path, "utf8") };
}

async function expectFullPage(page) {
  assert.equal(await bars(page, "energy-chart"), 30, "30 daily bars over the last 30 days");
  assert.match(await text(page, "#energy"), /Consommation totale : [\d ]+,\d kWh/, "the period's total in kWh");
  assert.match(await text(page, "#offpeak"), /\d+ % de la consommation en heures creuses/, "the off-peak share");
  assert.equal(await page.locator("#max-power-chart .reference").count(), 1, "the subscribed power line on the max-power chart");
  const halfHours = await bars(page, "day-chart");
  assert.ok(halfHours >= 46 && halfHours <= 50, `a day's load curve has 46 to 50 half-hours (got ${halfHours})`);
  assert.ok((await page.locator("#day-chart rect.offpeak-band").count()) > 0, "off-peak hours are shaded");
}

/**
 * @param {{ needs: string[], consentHousehold: (page: import("playwright-core").Page, baseUrl: string, household: string) => Promise<void> }} deps
 * @returns {import("./run-cases.mjs").JourneyCase[]}
 */
export function chartsCases({ needs, consentHousehold }) {
  return [
    {
      name: OPEN,
      needs,
      async run({ page, baseUrl }) {
        await page.goto(`${baseUrl}/dashboard`);
        await page.locator(`[data-usage-point-id="${DURAND_HOME}"]`).getByRole("link", { name: "Graphiques" }).click();
        await page.waitForURL((url) => url.pathname === energyPath(DURAND_HOME));
        await expectFullPage(page);
        assert.match(await text(page, "#consent"), /Consentement Enedis valide jusqu'au \d{2}\/\d{2}\/\d{4}/, "the consent's end date");
        await shot(page, "energie-30-jours");
      },
    },
    {
      name: PERIODS,
      needs: [OPEN],
      async run({ page }) {
        await page.locator("#period").getByRole("link", { name: "7 derniers jours" }).click();
        await page.waitForURL((url) => url.searchParams.get("period") === "7d");
        assert.equal(await bars(page, "energy-chart"), 7, "7 bars for 7 days");
        await page.locator("#period").getByRole("link", { name: "12 derniers mois" }).click();
        await page.waitForURL((url) => url.searchParams.get("period") === "12m");
        assert.equal(await bars(page, "energy-chart"), 12, "12 monthly bars");
        assert.match(await text(page, "#energy"), /\(par mois\)/, "the chart says it is by month");
        await shot(page, "energie-12-mois");
        const end = await page.locator("input[name=end]").getAttribute("max");
        const start = new Date(Date.parse(`${end}T00:00:00Z`) - 13 * 86_400_000).toISOString().slice(0, 10);
        await page.locator("input[name=start]").fill(start);
        await page.locator("input[name=end]").fill(end);
        await page.locator("#period").getByRole("button", { name: "Afficher" }).click();
        await page.waitForURL((url) => url.searchParams.get("period") === "custom");
        assert.equal(await bars(page, "energy-chart"), 14, "a 14-day custom range draws 14 bars");
      },
    },
    {
      name: DAY,
      needs: [OPEN],
      async run({ page, baseUrl }) {
        await page.goto(`${baseUrl}${energyPath(DURAND_HOME)}`);
        const link = page.locator("#energy-chart a").nth(25);
        const day = await link.locator("rect").getAttribute("data-key");
        await link.click();
        await page.waitForURL((url) => url.searchParams.get("day") === day);
        const [y, m, d] = day.split("-");
        assert.match(await text(page, "#day h2"), new RegExp(`Courbe de charge du ${d}/${m}/${y}`), "the chosen day's curve");
        const halfHours = await bars(page, "day-chart");
        assert.ok(halfHours >= 46 && halfHours <= 50, `46 to 50 half-hours (got ${halfHours})`);
        assert.ok((await page.locator("#day-chart rect.offpeak-band").count()) > 0, "off-peak hours are shaded");
        await shot(page, "courbe-de-charge", page.locator("#day"));
        await page.locator("#previous-day").click();
        await page.waitForURL((url) => url.searchParams.get("day") !== day);
        assert.ok((await bars(page, "day-chart")) >= 46, "the previous day's curve");
      },
    },
    {
      name: CSV,
      needs: [OPEN],
      async run({ page, baseUrl }) {
        await page.goto(`${baseUrl}${energyPath(DURAND_HOME)}`);
        const period = await downloadText(page, "#csv-period");
        assert.match(period.name, /^energie-\d{14}-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/, "the period file's name");
        const rows = period.body.replace(/^\uFEFF/, "").trim().split("\r\n");
        assert.equal(rows[0], "date;consommation_kWh;production_kWh;puissance_max_kVA", "the period CSV's header");
        assert.equal(rows.length, 31, "one row per day shown");
        assert.match(rows[1], /^\d{4}-\d{2}-\d{2};\d+(,\d+)?;;\d+(,\d+)?$/, "a day row: kWh and kVA with a decimal comma");
        const day = await downloadText(page, "#csv-day");
        const dayRows = day.body.replace(/^\uFEFF/, "").trim().split("\r\n");
        assert.equal(dayRows[0], "fin_intervalle;consommation_W;production_W;heures_creuses", "the day CSV's header");
        assert.ok(dayRows.length >= 47 && dayRows.length <= 51, `one row per half-hour (got ${dayRows.length - 1})`);
        assert.ok(dayRows.some((r) => r.endsWith(";oui")) && dayRows.some((r) => r.endsWith(";non")), "off-peak and peak rows");
      },
    },
    {
      name: PRODUCER,
      needs: [OPEN],
      async run({ page, baseUrl }) {
        await consentHousehold(page, baseUrl, "petit");
        await page.locator(`[data-usage-point-id="${PETIT}"]`).getByRole("link", { name: "Graphiques" }).click();
        await page.waitForURL((url) => url.pathname === energyPath(PETIT));
        assert.match(await text(page, "#energy h2"), /Consommation et production/, "both series");
        assert.ok((await page.locator("#energy-chart rect.bar.prod").count()) > 0, "production bars beside consumption");
        assert.match(await text(page, "#energy"), /Production totale : [\d ]+,\d kWh/, "the production total");
        assert.equal(await page.locator("#day-chart polyline.prod").count(), 1, "the day's production curve");
        await shot(page, "energie-production");
        // Then the household removes that PDL from its account ("Détails" → delete): gone from the dashboard, and free
        // again for another account (the Conso API cases after this journey consent to it).
        await page.goto(`${baseUrl}/dashboard/pdl/${PETIT}`);
        await page.getByRole("button", { name: "Supprimer ce point de livraison" }).click();
        await page.waitForURL((url) => url.pathname === "/dashboard");
        assert.equal(await page.locator(`[data-usage-point-id="${PETIT}"]`).count(), 0, "the deleted PDL is no longer listed");
      },
    },
    {
      name: ON_PHONE,
      needs: [OPEN],
      async run({ page, baseUrl }) {
        const phone = await page.context().newPage();
        try {
          await phone.setViewportSize(PHONE);
          await phone.goto(`${baseUrl}${energyPath(DURAND_HOME)}`);
          await expectFullPage(phone);
          const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `nothing wider than the screen (${overflow}px too wide)`);
          const chartWidth = await phone.locator("#energy-chart").evaluate((el) => el.getBoundingClientRect().width);
          assert.ok(chartWidth >= 300, `the chart uses the screen's width (${chartWidth}px)`);
          await shot(phone, "energie-telephone");
          await phone.locator("#period").getByRole("link", { name: "7 derniers jours" }).click();
          await phone.waitForURL((url) => url.searchParams.get("period") === "7d");
          assert.equal(await bars(phone, "energy-chart"), 7, "7 bars on the phone");
          await phone.locator("#energy-chart a").last().click();
          await phone.waitForURL((url) => url.searchParams.has("day"));
          assert.ok((await bars(phone, "day-chart")) >= 46, "the day's curve on the phone");
          await shot(phone, "courbe-de-charge-telephone", phone.locator("#day"));
          const csv = await downloadText(phone, "#csv-period");
          assert.equal(csv.body.replace(/^\uFEFF/, "").trim().split("\r\n").length, 8, "the CSV of the 7 days shown");
        } finally {
          await phone.close();
        }
      },
    },
    {
      name: CONSO,
      needs: [OPEN],
      async run({ page, baseUrl }) {
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        const dayBefore = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
        const readDay = (token) =>
          page.request.get(`${baseUrl}/api/daily_consumption?prm=${DURAND_HOME}&start=${dayBefore}&end=${yesterday}`, { headers: { Authorization: `Bearer ${token}` } });
        for (const viewport of [null, PHONE]) {
          const tab = await page.context().newPage();
          try {
            if (viewport) await tab.setViewportSize(viewport);
            await tab.goto(`${baseUrl}/dashboard`);
            await tab.locator("#new-conso-token").click();
            const token = (await tab.locator("#conso-token").innerText()).trim();
            assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT is shown");
            if (viewport) {
              const overflow = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
              assert.ok(overflow <= 0, `the token page fits the phone's screen (${overflow}px too wide)`);
            }
            const answer = await readDay(token);
            assert.equal(answer.status(), 200, "the Conso route answers the token");
            const body = await answer.json();
            assert.equal(body.usage_point_id, DURAND_HOME, "a bare meter_reading, Conso API's shape");
            assert.equal(body.interval_reading.length, 1, "one day of data");
            await tab.goto(`${baseUrl}/dashboard`);
            assert.equal(await tab.locator("#conso-tokens").getByText(token).count(), 0, "shown once: the dashboard lists it without the token");
          } finally {
            await tab.close();
          }
        }
      },
    },
  ];
}
