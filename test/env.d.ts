import type { D1Migration } from "cloudflare:test";

// Cloudflare.Env (bindings, vars, secrets) and GlobalProps are generated in worker-configuration.d.ts; tests add theirs.
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
    }
  }
}
