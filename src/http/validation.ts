import { OpenAPIHono } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { AppError, type ErrorCode } from "./errors";
import type { AppEnv } from "./types";

/** The first problem of a zod failure, as a documented error code with the field it concerns. */
const CODE_BY_FIELD: Record<string, ErrorCode> = {
  usage_point_id: "INVALID_USAGE_POINT_ID",
  start: "INVALID_DATE_FORMAT",
  end: "INVALID_DATE_FORMAT",
  email: "INVALID_EMAIL",
  password: "WEAK_PASSWORD",
  new_password: "WEAK_PASSWORD",
};

export function validationError(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  const code = (field && CODE_BY_FIELD[field]) || "VALIDATION_ERROR";
  const message = issue?.message && !issue.message.startsWith("Invalid input") ? issue.message : `Valeur invalide${field ? ` pour ${field}` : ""}.`;
  return new AppError(400, code, message, { field });
}

/** A sub-app whose routes validate with zod (and feed the OpenAPI document); failures become our envelope. */
export const createApi = () =>
  new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error as ZodError);
    },
  });
