import { describe, expect, it } from "vitest";
import { readModeOf } from "../../src/pages/pdl-details-data";

describe("PDL details page: which GETs may read through to Enedis (SECURITY.md property 5)", () => {
  it("full reads only for our own pages, a typed URL or bookmark, or a client without Fetch Metadata", () => {
    const cases: Array<[string | undefined, "full" | "cached"]> = [
      ["same-origin", "full"],
      ["none", "full"],
      [undefined, "full"],
      ["cross-site", "cached"],
      ["same-site", "cached"],
      ["", "cached"],
      ["CROSS-SITE", "cached"],
      ["something-new", "cached"],
    ];
    for (const [site, mode] of cases) expect(readModeOf(site), String(site)).toBe(mode);
  });
});
