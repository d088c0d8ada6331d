// Calendar days as Enedis counts them (Europe/Paris), relative to today: "D-40" style ranges for the workloads.
const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" });

export const todayInParis = () => parisDay.format(new Date());

export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** [today + fromOffset, today + toOffset) as query-string dates, e.g. daysAgo(40, 10) → D-40 … D-10 (exclusive). */
export function daysAgo(from, to) {
  const today = todayInParis();
  return { start: addDays(today, -from), end: addDays(today, -to) };
}
