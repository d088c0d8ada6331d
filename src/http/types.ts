import type { Env } from "../env";
import type { UsagePointRow } from "../pdl/store";

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
  /**
   * The PDL named in a data route's path, read by the same D1 query as the credential and joined on this account
   * (null: not this account's). Routes use it instead of a second lookup (pdl/store.ts ownedPdlOf).
   */
  pdl?: { usagePointId: string; row: UsagePointRow | null };
  /** The account's key pair columns, from the same row: opening sync entries needs no further query. */
  keyPair?: { publicKey: string | null; privateKeySealed: string | null };
}

export type AppEnv = { Bindings: Env; Variables: { caller: Caller } };
