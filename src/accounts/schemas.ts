import { z } from "@hono/zod-openapi";

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
  .openapi({ example: "correct horse battery staple" });

export const CredentialsSchema = z.object({ email: EmailSchema, password: PasswordSchema }).openapi("Credentials");
/** Login does not enforce the password rules of signup (a wrong password just fails). */
export const LoginSchema = z.object({ email: EmailSchema, password: z.string().min(1).max(256) }).openapi("Login");
export const UpdatePasswordSchema = z
  .object({ old_password: z.string().min(1).max(256), new_password: PasswordSchema })
  .openapi("UpdatePassword");

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
