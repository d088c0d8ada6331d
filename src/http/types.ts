import type { Env } from "../env";

/** Who is calling, once authenticated (http/auth.ts). `dataKey` decrypts this account's cache. */
export interface Caller {
  userId: string;
  email: string;
  clientId: string;
  createdAt: string;
  isAdmin: boolean;
  dataKey: CryptoKey;
  via: "client_secret" | "access_token" | "basic" | "session" | "conso_token";
  /** keyed hash of the session token, when via = "session" (binds the consent `state` to it) */
  sessionHash?: string;
}

export type AppEnv = { Bindings: Env; Variables: { caller: Caller } };
