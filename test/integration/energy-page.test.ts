import { beforeAll, describe, expect, it } from "vitest";
import { addDays, todayInParis } from "../../src/enedis/dates";
import { barKeys, household, textOf } from "./energy-support";

const today = todayInParis(new Date());

describe("energy page: martin (consumption, HC 22H30-6H30, 9 kVA)", () => {
  let martin: Awaited<ReturnType<typeof household>>;
  beforeAll(async () => {
    martin = await household("martin");
  });

  it("smoke", async () => {
    const res = await martin.energy();
    expect(res.status).toBe(200);
    const html = await res.text();
    console.log(html.length, textOf(html, "energy"), textOf(html, "offpeak"), textOf(html, "max-power").slice(0, 200), textOf(html, "day").slice(0, 300), barKeys(html, "energy-chart").length);
  });
});
