import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import app from "../../src/index";
import { Browser, bearer } from "../support/http";
import { consent } from "../support/consent";

/** Routes never know which Enedis generation answered: the same request gives the same answer in every mode. */
async function get(path: string, secret: string, mode: "new" | "legacy" | "auto") {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://localhost:8000${path}`, { headers: bearer(secret) }), { ...env, ENEDIS_API_MODE: mode }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("ENEDIS_API_MODE", () => {
  it("legacy (v5), new (2026) and auto give the same v5-shaped answers", async () => {
    const b = new Browser();
    const account = await b.signup();
    await consent(b, "martin");
    const day = addDays(todayInParis(new Date()), -12);
    const paths = [
      `/api/enedis/consumption/daily/09100000000001?start=${day}&end=${addDays(day, 3)}&use_cache=false`,
      `/api/enedis/consumption/detail/09100000000001?start=${day}&end=${addDays(day, 1)}&use_cache=false`,
      `/api/enedis/power/09100000000001?start=${day}&end=${addDays(day, 3)}&use_cache=false`,
    ];
    for (const path of paths) {
      const answers = [];
      for (const mode of ["legacy", "new", "auto"] as const) {
        const res = await get(path, account.clientSecret, mode);
        expect(res.status, `${mode} ${path}`).toBe(200);
        answers.push(((await res.json()) as { data: { meter_reading: { interval_reading: unknown[]; reading_type: unknown } } }).data.meter_reading);
      }
      expect(answers[0].interval_reading.length).toBeGreaterThan(0);
      expect(answers[1].interval_reading).toEqual(answers[0].interval_reading);
      expect(answers[2].interval_reading).toEqual(answers[0].interval_reading);
      expect(answers[1].reading_type).toEqual(answers[0].reading_type);
    }
    for (const kind of ["address", "customer", "contact"]) {
      const shapes = [];
      for (const mode of ["legacy", "new"] as const) {
        const res = await get(`/api/enedis/${kind}/09100000000001?use_cache=false`, account.clientSecret, mode);
        expect(res.status, `${mode} ${kind}`).toBe(200);
        shapes.push(Object.keys(((await res.json()) as { data: Record<string, unknown> }).data).filter((k) => k !== "customer_id").sort());
      }
      expect(shapes[1], kind).toEqual(shapes[0]);
    }
  });
});
