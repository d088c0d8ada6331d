import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { frNumber } from "../../src/pages/charts/format";
import { barKeys, household, simulatorCalls, textOf, usage } from "./energy-support";

const today = todayInParis(new Date());
type Reading = { value: string; date: string };

describe("energy page: martin (consumption, HC 22H30-6H30, 9 kVA)", () => {
  let martin: Awaited<ReturnType<typeof household>>;
  let html: string;
  const api = async (path: string) => ((await (await martin.browser.fetch(path)).json()) as { data: { meter_reading: { interval_reading: Reading[] } } }).data.meter_reading.interval_reading;

  beforeAll(async () => {
    martin = await household("martin");
    const res = await martin.energy();
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Security-Policy")).toMatch(/script-src 'self'/);
    html = await res.text();
  });

  it("the dashboard links each PDL to its charts", async () => {
    const dashboard = await (await martin.browser.fetch("/dashboard")).text();
    expect(dashboard).toContain(`href="/dashboard/pdl/${martin.pdl}/energie"`);
    expect(dashboard).toMatch(/>\s*Graphiques\s*</);
  });

  it("30 days of consumption: one bar per day, each a link to its load curve, and the total in kWh", async () => {
    const days = Array.from({ length: 30 }, (_, i) => addDays(today, i - 30));
    expect(barKeys(html, "energy-chart")).toEqual(days);
    expect(html).toContain(`href="/dashboard/pdl/${martin.pdl}/energie?day=${days[3]}#day"`);
    // The same numbers the API gives (now from the cache).
    const readings = await api(`/api/enedis/consumption/daily/${martin.pdl}?start=${days[0]}&end=${today}`);
    const kwh = readings.reduce((s, r) => s + Number(r.value), 0) / 1000;
    expect(textOf(html, "total-consumption")).toBe(`${frNumber(kwh)} kWh`);
    expect(textOf(html, "energy")).toContain(`du ${days[0].slice(8)}/${days[0].slice(5, 7)}/${days[0].slice(0, 4)}`);
    expect(html).toContain(">kWh</text>");
    expect(html).not.toContain('id="total-production"');
  });

  it("the off-peak share over the period, computed from the load curve", async () => {
    const curve = await api(`/api/enedis/consumption/detail/${martin.pdl}?start=${addDays(today, -30)}&end=${today}`);
    // Independent of the page's code: a half-hour is off-peak when it starts at or after 22:30 or before 06:30.
    let off = 0;
    let all = 0;
    for (const r of curve) {
      const end = Number(r.date.slice(11, 13)) * 60 + Number(r.date.slice(14, 16)) || 1440;
      const start = end - 30;
      all += Number(r.value);
      if (start >= 22 * 60 + 30 || start < 6 * 60 + 30) off += Number(r.value);
    }
    expect(textOf(html, "offpeak-share")).toBe(`${Math.round((off / all) * 100)} %`);
    expect(textOf(html, "offpeak")).toMatch(/HC \(22H30-6H30\)/);
  });

  it("max power of each day against the 9 kVA subscribed", () => {
    expect(barKeys(html, "max-power-chart")).toHaveLength(30);
    expect(html).toContain("Souscrite : 9 kVA");
    expect(textOf(html, "max-power")).toMatch(/Pic : \d+,\d kVA le \d{2}\/\d{2}\/\d{4} · puissance souscrite : 9 kVA/);
  });

  it("yesterday's load curve by default, any day on request, off-peak hours shaded", async () => {
    const yesterday = addDays(today, -1);
    expect(textOf(html, "day")).toContain(`Courbe de charge du ${yesterday.slice(8)}/${yesterday.slice(5, 7)}/${yesterday.slice(0, 4)}`);
    const day = addDays(today, -45); // outside the 30 days shown: read on its own
    const page = await (await martin.energy(`?day=${day}`)).text();
    const chart = page.slice(page.indexOf('id="day-chart"'), page.indexOf("</svg>", page.indexOf('id="day-chart"')));
    const halfHours = [...chart.matchAll(/<rect class="bar conso/g)].length;
    expect(halfHours).toBeGreaterThanOrEqual(46);
    expect(halfHours).toBeLessThanOrEqual(50);
    expect([...chart.matchAll(/class="offpeak-band"/g)].length).toBe(2); // 00:00–06:30 and 22:30–24:00
    expect(chart).toContain("06:00–06:30");
    expect(textOf(page, "day")).toMatch(/Consommation du jour : [\d\u202f]+,\d kWh/);
  });

  it("switching period: 7 days, 12 months by month, a custom range, and a refused one explained", async () => {
    expect(barKeys(await (await martin.energy("?period=7d")).text(), "energy-chart")).toHaveLength(7);
    const year = await (await martin.energy("?period=12m")).text();
    const months = barKeys(year, "energy-chart");
    expect(months).toHaveLength(12);
    expect(months.at(-1)).toBe(addDays(today, -1).slice(0, 7));
    expect(textOf(year, "energy")).toContain("(par mois)");
    expect(year).toContain("(les 31 derniers jours de la période)");
    const start = addDays(today, -20);
    const end = addDays(today, -7);
    expect(barKeys(await (await martin.energy(`?period=custom&start=${start}&end=${end}`)).text(), "energy-chart")).toHaveLength(14);
    const refused = await (await martin.energy(`?period=custom&start=${end}&end=${start}`)).text();
    expect(textOf(refused, "period-warning")).toMatch(/La date de début doit précéder la date de fin\. Les 30 derniers jours sont affichés\./);
    expect(barKeys(refused, "energy-chart")).toHaveLength(30);
    // Older than the load curve's 24 months: the daily charts show, the off-peak share says why it is missing.
    const old = await (await martin.energy(`?period=custom&start=${addDays(today, -900)}&end=${addDays(today, -880)}`)).text();
    expect(barKeys(old, "energy-chart")).toHaveLength(21);
    expect(textOf(old, "offpeak")).toMatch(/ne garde la courbe de charge que 24 mois/);
    expect(textOf(old, "day")).toMatch(/ne garde la courbe de charge que 24 mois : choisissez un jour plus récent/);
    expect((await martin.energy("?period=forever")).status).toBe(400);
    expect((await martin.energy("?day=yesterday")).status).toBe(400);
  });

  it("CSV of the period and of the day: what the page shows, for a French spreadsheet", async () => {
    const res = await martin.browser.fetch(`/dashboard/pdl/${martin.pdl}/energie/csv?period=7d&view=period`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="energie-${martin.pdl}-${addDays(today, -7)}-${addDays(today, -1)}.csv"`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: a spreadsheet keeps the accents
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[0]).toBe("date;consommation_kWh;production_kWh;puissance_max_kVA");
    expect(lines).toHaveLength(9); // header, 7 days, final empty line
    const daily = await api(`/api/enedis/consumption/daily/${martin.pdl}?start=${addDays(today, -7)}&end=${today}`);
    expect(lines.slice(1, 8).map((l) => l.split(";").slice(0, 2))).toEqual(daily.map((r) => [r.date, String(Number(r.value) / 1000).replace(".", ",")]));

    const day = addDays(today, -3);
    const dayCsv = (await (await martin.browser.fetch(`/dashboard/pdl/${martin.pdl}/energie/csv?day=${day}&view=day`)).text()).trim().split("\r\n");
    expect(dayCsv[0]).toBe("fin_intervalle;consommation_W;production_W;heures_creuses");
    expect(dayCsv.length - 1).toBeGreaterThanOrEqual(46);
    expect(dayCsv[1]).toMatch(new RegExp(`^${day} 00:30:00;\\d+;;oui$`));
    expect(dayCsv.find((l) => l.startsWith(`${day} 12:00:00`))).toMatch(/;non$/);
    expect(dayCsv.at(-1)).toMatch(new RegExp(`^${addDays(day, 1)} 00:00:00;\\d+;;oui$`));
  });

  it("a page already read is served from the cache: no Enedis call, only cached requests counted", async () => {
    await martin.energy("?period=7d");
    const before = { calls: await simulatorCalls(), usage: await usage(martin.browser) };
    const res = await martin.energy("?period=7d");
    expect(res.status).toBe(200);
    expect(barKeys(await res.text(), "energy-chart")).toHaveLength(7);
    expect(await simulatorCalls()).toBe(before.calls);
    const after = await usage(martin.browser);
    expect(after.no_cache_requests).toBe(before.usage.no_cache_requests);
    expect(after.cached_requests).toBeGreaterThan(before.usage.cached_requests);
  });
});
