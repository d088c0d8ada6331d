/**
 * The shapes Data Connect 2026 errors really come in (see ../shared/enedis-api/README.md, last section):
 * the same code and text, wrapped differently depending on the API and the day. The `error-shape` lever
 * (`POST /_control/error-shape`) picks one for every 2026 business error, so clients can be tested on each.
 */
import { z } from "zod";

export const ERROR_SHAPES = ["default", "code_message", "error_description", "array", "libelle", "fault"] as const;
export const ErrorShape = z.enum(ERROR_SHAPES);
export type ErrorShape = z.infer<typeof ErrorShape>;

/** Rewrites a 2026 `{code, message, …}` body into `shape`; "default" keeps it as the simulator always answered. */
export function reshapeError(body: Record<string, string>, shape: ErrorShape): unknown {
  const { code, message } = body;
  switch (shape) {
    case "default":
      return body;
    case "code_message":
      return { code, message };
    case "error_description":
      return { error: code, error_description: message };
    case "array":
      return [{ code, message }];
    case "libelle":
      return { code, libelle: message };
    case "fault":
      return { fault: { code, message, description: message } };
  }
}
