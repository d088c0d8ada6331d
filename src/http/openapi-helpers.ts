import { z } from "@hono/zod-openapi";

/** Response documentation helpers: the success envelope around a schema, and the error envelope. */
export const ErrorSchema = z
  .object({
    success: z.literal(false),
    error: z.object({ code: z.string().openapi({ example: "PDL_NOT_FOUND" }), message: z.string(), field: z.string().optional() }),
  })
  .openapi("Error");

export const envelope = <T extends z.ZodType>(data: T) => z.object({ success: z.literal(true), data });

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, jsonContent(ErrorSchema, `Error (${s})`)])) as Record<number, ReturnType<typeof jsonContent<typeof ErrorSchema>>>;

/** Security requirement of authenticated routes (schemes declared in openapi.ts). */
export const authenticated: Array<Record<string, string[]>> = [{ clientSecret: [] }, { oauth2: [] }, { basic: [] }, { session: [] }];
