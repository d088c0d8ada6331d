import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** `{"success": true, "data": …}` — every JSON answer also carries Cache-Control: no-store (set globally in index.ts). */
export const ok = <T>(c: Context, data: T, status: ContentfulStatusCode = 200) => c.json({ success: true as const, data }, status);
