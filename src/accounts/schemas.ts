import { z } from "@hono/zod-openapi";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "./common-passwords";

/** Input rules shared by the JSON API and the pages. The validation hook maps field names to error codes. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Adresse e-mail invalide." }))
  .openapi({ example: "camille@example.fr" });

export const PasswordSchema = z
  .string()
  .min(8, { message: "Le mot de passe doit contenir au moins 8 caractères." })
  .max(256, { message: "Le mot de passe est trop long (256 caractères au plus)." })
  .refine((p) => !isCommonPassword(p), { message: COMMON_PASSWORD_MESSAGE })
  .openapi({ example: "correct horse battery staple", description: "8 to 256 characters, not one of the 10 000 most common passwords" });

export const CredentialsSchema = z.object({ email: EmailSchema, password: PasswordSchema }).openapi("Credentials");
/** Login does not enforce the password rules of signup (a wrong password just fails). */
export const LoginSchema = z.object({ email: EmailSchema, password: z.string().min(1).max(256) }).openapi("Login");
export const UpdatePasswordSchema = z
  .object({ old_password: z.string().min(1).max(256), new_password: PasswordSchema })
  .openapi("UpdatePassword");

/** Deleting the account asks for the password again: an API key or a session alone cannot delete (SECURITY.md 5). */
export const DeleteAccountSchema = z
  .object({ password: z.string().max(256).optional().openapi({ description: "the account's password; absent or wrong: 401 INVALID_CREDENTIALS" }) })
  .openapi("DeleteAccount");

/** A forgotten password: the client_secret unwraps the data key, so the cache stays readable under the new password. */
export const RecoverSchema = z
  .object({ email: EmailSchema, client_secret: z.string().min(1).max(200), new_password: PasswordSchema })
  .openapi("Recover");

export const AccountSchema = z
  .object({
    user_id: z.uuid(),
    email: z.string(),
    client_id: z.string(),
    created_at: z.string(),
    is_admin: z.boolean(),
  })
  .openapi("Account");

export const NewAccountSchema = z
  .object({ user_id: z.uuid(), email: z.string(), client_id: z.string(), client_secret: z.string() })
  .openapi("NewAccount");

export const TokenAnswerSchema = z
  .object({ access_token: z.string(), token_type: z.literal("bearer"), expires_in: z.number().int() })
  .openapi("AccessToken");

export const UsageStatsSchema = z
  .object({
    no_cache_requests: z.number().int(),
    no_cache_limit: z.number().int(),
    cached_requests: z.number().int(),
    cached_limit: z.number().int(),
    reset_at: z.string().openapi({ description: "next midnight UTC, ISO-8601" }),
  })
  .openapi("UsageStats");
