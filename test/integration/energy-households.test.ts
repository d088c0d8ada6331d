import { describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { barKeys, household, textOf } from "./energy-support";

const today = todayInParis(new Date());

describe("energy page: the simulator's other households", () => {
  it("petit (consumption + production, HC in two windows): production beside consumption, its day curve as a line", async () => {
    const petit = await household("petit");
    const res = await petit.energy();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOf(html, "energy")).toMatch(/^Consommation et production/);
    const chart = html.slice(html.indexOf('id="energy-chart"'), html.indexOf("</svg>", html.indexOf('id="energy-chart"')));
    expect([...chart.matchAll(/<rect class="bar conso"/g)]).toHaveLength(30);
    expect([...chart.matchAll(/<rect class="bar prod"/g)]).toHaveLength(30);
    expect(textOf(html, "total-production")).toMatch(/^[\d\u202f]+,\d kWh$/);
    const day = html.slice(html.indexOf('id="day-chart"'), html.indexOf("</svg>", html.indexOf('id="day-chart"')));
    expect(day).toContain('<polyline class="line prod"');
    expect([...day.matchAll(/class="offpeak-band"/g)]).toHaveLength(2); // 02:00–07:00 and 14:00–17:00
    expect(textOf(html, "offpeak")).toMatch(/\d+ % de la consommation en heures creuses \(HC \(2H00-7H00;14H00-17H00\)\)/);

    const csv = (await (await petit.browser.fetch(`/dashboard/pdl/${petit.pdl}/energie/csv?period=7d&view=period`)).text()).trim().split("\r\n");
    expect(csv).toHaveLength(8);
    for (const line of csv.slice(1)) expect(line).toMatch(/^\d{4}-\d{2}-\d{2};\d+(,\d+)?;\d+(,\d+)?;\d+(,\d+)?$/);
    const dayCsv = (await (await petit.browser.fetch(`/dashboard/pdl/${petit.pdl}/energie/csv?view=day&day=${addDays(today, -2)}`)).text()).trim().split("\r\n");
    expect(dayCsv.find((l) => l.includes(" 13:00:00;"))).toMatch(/;\d+;\d+;non$/);
    expect(dayCsv.find((l) => l.includes(" 15:00:00;"))).toMatch(/;\d+;\d+;oui$/);
  });

  it("leroy (no load curve): the daily charts show, the day's curve and the off-peak share say why they are missing", async () => {
    const leroy = await household("leroy");
    const res = await leroy.energy();
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(barKeys(html, "energy-chart")).toHaveLength(30);
    expect(barKeys(html, "max-power-chart")).toHaveLength(30);
    expect(textOf(html, "offpeak")).toMatch(/Pas de courbe de charge pour cette période : son enregistrement n'est peut-être pas activé chez Enedis\./);
    expect(textOf(html, "day")).toMatch(/Pas de courbe de charge pour cette période/);
    expect(html).not.toContain('id="day-chart"');
    const dayCsv = (await (await leroy.browser.fetch(`/dashboard/pdl/${leroy.pdl}/energie/csv?view=day`)).text()).trim().split("\r\n");
    expect(dayCsv).toEqual(["fin_intervalle;consommation_W;production_W;heures_creuses"]);
  });
});
