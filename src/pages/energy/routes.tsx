import { Hono } from "hono";
import { readModeOf } from "../pdl-details-data";
import type { Context } from "hono";
import { z } from "zod";
import { addDays, historyLimit, todayInParis } from "../../enedis/dates";
import { sessionCaller } from "../../http/auth";
import { AppError } from "../../http/errors";
import type { AppEnv, Caller } from "../../http/types";
import { ownedPdl, type UsagePointRow } from "../../pdl/store";
import { consentState, lastErrorText } from "../charts/consent-state";
import { toCsv } from "../charts/csv";
import { DAY_CSV_HEADER, dayCsvRows, PERIOD_CSV_HEADER, periodCsvRows, periodTable } from "../charts/energy-table";
import { parseOffpeakHours } from "../charts/offpeak";
import type { EnergyUrl } from "./parts";
import { EnergyView } from "./view";
import { loadEnergy, type EnergyQuery, type ReadMode } from "./data";
import { Layout, page } from "../layout";

/**
 * GET /dashboard/pdl/{id}/energie — the charts of one PDL (period, off-peak share, max power, a day's load curve),
 * and GET /dashboard/pdl/{id}/energie/csv — the same data as CSV. Server-rendered SVG: works without any script.
 */
export const energyPage = new Hono<AppEnv>();

const Id = z.string().regex(/^\d{14}$/);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
// Dates stay loose here (an empty custom field is not an error page): resolvePeriod checks them and explains.
const Query = z.object({
  period: z.enum(["7d", "30d", "12m", "custom"]).optional(),
  start: z.union([Day, z.literal("")]).optional(),
  end: z.union([Day, z.literal("")]).optional(),
  day: z.union([Day, z.literal("")]).optional(),
  view: z.enum(["period", "day"]).optional(),
});

async function load(c: Context<AppEnv>): Promise<{ me: Caller; pdl: UsagePointRow; query: z.infer<typeof Query> } | Response> {
  const me = await sessionCaller(c);
  if (!me) return c.redirect("/login", 303);
  const id = Id.safeParse(c.req.param("id"));
  if (!id.success) throw new AppError(404, "NOT_FOUND", "Page introuvable.");
  const query = Query.safeParse(c.req.query());
  if (!query.success) throw new AppError(400, "VALIDATION_ERROR", "Paramètres invalides.");
  try {
    return { me, pdl: await ownedPdl(c.env, me.userId, id.data), query: query.data };
  } catch {
    throw new AppError(404, "NOT_FOUND", "Page introuvable.");
  }
}

/**
 * A GET another site may have caused (a link, an image; same-site included) must not spend the quota nor call
 * Enedis (SECURITY.md 5): it shows the cache only — the same rule as the details page (readModeOf). A disabled PDL
 * reads nothing new either.
 */
function readMode(c: Context<AppEnv>, pdl: UsagePointRow): ReadMode {
  return readModeOf(c.req.header("Sec-Fetch-Site")) === "cached" || !pdl.isActive ? "cache" : "mirror";
}

const energyQuery = (q: z.infer<typeof Query>): EnergyQuery => ({ period: q.period, start: q.start || undefined, end: q.end || undefined, day: q.day || undefined });

/** Builds this page's links (and the CSV's) from the current query, changing only what is given. */
function urlBuilder(id: string, base: EnergyQuery): EnergyUrl {
  return (change, csv) => {
    const q = { ...base, ...change };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
    const text = params.toString();
    return `/dashboard/pdl/${id}/energie${csv ? "/csv" : ""}${text ? `?${text}` : ""}`;
  };
}

energyPage.get("/dashboard/pdl/:id/energie", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  const { me, pdl, query } = loaded;
  const now = new Date();
  const today = todayInParis(now);
  const mode = readMode(c, pdl);
  const data = await loadEnergy({ env: c.env, caller: me, pdl }, energyQuery(query), mode, today);
  // The URL keeps only what was asked and understood: a refused custom period does not come back in the links.
  const current: EnergyQuery = data.period.warning ? { period: undefined } : { period: query.period, start: query.start || undefined, end: query.end || undefined };
  c.header("Cache-Control", "no-store");
  return c.html(
    page(
      <Layout title={`Énergie · ${pdl.name ?? `PDL ${pdl.usagePointId}`}`} signedIn isAdmin={me.isAdmin}>
        <EnergyView
          pdl={pdl}
          data={data}
          consent={consentState(pdl, now)}
          lastError={lastErrorText(pdl.lastError)}
          offpeak={parseOffpeakHours(pdl.offpeakHours)}
          url={urlBuilder(pdl.usagePointId, { ...current, day: data.day })}
          crossSite={readModeOf(c.req.header("Sec-Fetch-Site")) === "cached"}
          limits={{ oldestDay: historyLimit("consumption_daily", today), oldestCurveDay: historyLimit("consumption_load_curve", today), lastDay: addDays(today, -1) }}
        />
      </Layout>,
    ),
  );
});

energyPage.get("/dashboard/pdl/:id/energie/csv", async (c) => {
  const loaded = await load(c);
  if (loaded instanceof Response) return loaded;
  const { me, pdl, query } = loaded;
  const today = todayInParis(new Date());
  const data = await loadEnergy({ env: c.env, caller: me, pdl }, energyQuery(query), readMode(c, pdl), today);
  let body: string;
  let name: string;
  if (query.view === "day") {
    body = toCsv(DAY_CSV_HEADER, dayCsvRows(data.dayConsumption?.readings ?? [], data.dayProduction?.readings ?? [], parseOffpeakHours(pdl.offpeakHours)));
    name = `courbe-${pdl.usagePointId}-${data.day}.csv`;
  } else {
    const table = periodTable(data.period.range, data.period.byMonth, {
      consumption: data.consumption?.readings,
      production: data.production?.readings,
      maxPower: data.maxPower?.readings,
    });
    body = toCsv(PERIOD_CSV_HEADER, periodCsvRows(table));
    name = `energie-${pdl.usagePointId}-${data.period.range.start}-${addDays(data.period.range.end, -1)}.csv`;
  }
  return c.body(body, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${name}"`,
    "Cache-Control": "no-store",
  });
});
