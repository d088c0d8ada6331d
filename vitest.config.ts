import path from "node:path";
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";

// Integration and unit tests run inside workerd with real (local, per-file isolated) D1, KV and Durable Objects.
// The browser journey (test/e2e) runs outside, against `wrangler dev`: see scripts/e2e.mjs.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            APP_SECRET: "test-app-secret-0123456789abcdef0123456789abcdef",
            ENEDIS_ENV: "simulator",
            ADMIN_CLIENT_IDS: "lgc_test_admin",
            // Background sync's alarms run on the real clock: off here, so no test sees a run it did not start.
            // test/integration/sync*.test.ts switch it on per request (BrowserOn) and drive the alarms themselves.
            SYNC_ENABLED: "false",
          },
        },
      }),
    ],
    test: {
      include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
      reporters: ["default", "./scripts/summary-reporter.ts"],
      setupFiles: ["./test/apply-migrations.ts"],
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
