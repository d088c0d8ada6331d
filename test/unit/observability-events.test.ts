import { describe, expect, it } from "vitest";
import logsDoc from "../../docs/logs.md?raw";
import wranglerToml from "../../wrangler.toml?raw";
import { hourOf, safeDetail } from "../../src/observability/counters";
import { EVENTS } from "../../src/observability/events";

describe("structured events", () => {
  it("every event emitEvent knows is documented in docs/logs.md's table", () => {
    for (const name of Object.keys(EVENTS)) expect(logsDoc, name).toContain(`| \`${name}\` |`);
  });

  it("a counter's detail keeps the shape of a code: anything else is cut down", () => {
    expect(safeDetail("CONSENT_REQUIRED:ADAM-DC-0008")).toBe("CONSENT_REQUIRED:ADAM-DC-0008");
    expect(safeDetail("a b<script>@x.fr")).toBe("a_b_script__x.fr");
    expect(safeDetail("x".repeat(200))).toHaveLength(64);
    expect(hourOf(Date.UTC(2026, 0, 2, 13, 59, 59))).toBe(Date.UTC(2026, 0, 2, 13));
  });

  it("staging keeps the platform's invocation logs off too (wrangler environments do not inherit it)", () => {
    const staging = wranglerToml.slice(wranglerToml.indexOf("[env.staging.observability.logs]"));
    expect(staging).toMatch(/^invocation_logs\s*=\s*false/m);
  });
});
