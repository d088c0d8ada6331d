import { describe, expect, it } from "vitest";
import wranglerToml from "../../wrangler.toml?raw";

/**
 * SECURITY.md property 8: the platform's own request logs record full URLs, and the consent callback's query carries
 * `state`, `code`, `usage_point_id` and `autorisation_id`. Workers Logs stays on for the worker's own structured
 * events, but its invocation logs must be off.
 */
function section(toml: string, name: string): string {
  const start = toml.indexOf(`[${name}]`);
  if (start < 0) return "";
  const rest = toml.slice(start + name.length + 2);
  const next = rest.search(/^\[/m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe("wrangler.toml [observability]", () => {
  it("keeps the worker's own logs and turns the platform's invocation logs (full URLs) off", () => {
    expect(section(wranglerToml, "observability")).toMatch(/^enabled\s*=\s*true/m);
    const logs = section(wranglerToml, "observability.logs");
    expect(logs).toMatch(/^enabled\s*=\s*true/m);
    expect(logs).toMatch(/^invocation_logs\s*=\s*false/m);
  });
});
