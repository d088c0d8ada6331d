import { z } from "@hono/zod-openapi";

/** `{usage_point_id}` in every path: exactly 14 digits, else 400 INVALID_USAGE_POINT_ID (http/validation.ts). */
export const UsagePointParams = z.object({
  usage_point_id: z
    .string()
    .regex(/^\d{14}$/, { message: "usage_point_id doit comporter exactement 14 chiffres." })
    .openapi({ param: { name: "usage_point_id", in: "path" }, example: "09100000000001" }),
});
