import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * D1 tables. docs/storage-schema.md explains each column that holds a hash or a wrapped key, and why.
 * Timestamps are ISO-8601 UTC strings unless the name ends in `_ms` (epoch milliseconds, compared numerically).
 */

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(), // UUID v4, the public user_id
    email: text("email").notNull(), // lower-cased
    passwordHash: text("password_hash").notNull(), // "pbkdf2-sha256-peppered$<iter>$<salt b64u>$<HMAC(pepper, PBKDF2 half) b64u>" (legacy "pbkdf2-sha256$…" upgraded at next login)
    clientId: text("client_id").notNull(), // public, permanent
    clientSecretHash: text("client_secret_hash").notNull(), // HMAC-SHA-256(APP_SECRET, client_secret), b64u
    // Fingerprints (src/crypto/key-ring.ts keyId) of the APP_SECRET that made client_secret_hash and password_hash's
    // pepper: what the daily count of a rotation reads. null: made before fingerprints existed.
    secretKeyId: text("secret_key_id"),
    passwordKeyId: text("password_key_id"),
    dataKeyBySecret: text("data_key_by_secret").notNull(), // account data key wrapped under HKDF(client_secret)
    dataKeyByPassword: text("data_key_by_password").notNull(), // account data key wrapped under HKDF(PBKDF2(password))
    // When the client_secret was last regenerated (epoch ms; null: the one from signup). A fresh secret is not yet a
    // recovery credential: a stolen session or access token could otherwise mint one and take the account over.
    secretRegeneratedAtMs: integer("secret_regenerated_at_ms"),
    publicKey: text("public_key"), // ECDH P-256 public key (raw, b64u) background sync seals to; null until made (signup, or next authenticated request)
    privateKeySealed: text("private_key_sealed"), // the matching private key (PKCS#8) sealed under the data key: only a credential opens it
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email_idx").on(t.email),
    uniqueIndex("users_client_id_idx").on(t.clientId),
    uniqueIndex("users_client_secret_hash_idx").on(t.clientSecretHash),
  ],
);

/** Web sessions, OAuth access tokens and Conso API tokens: all are bearer credentials with their own wrapped copy of the data key. */
export const authTokens = sqliteTable(
  "auth_tokens",
  {
    tokenHash: text("token_hash").primaryKey(), // HMAC-SHA-256(APP_SECRET, token), b64u — the token itself is never stored
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ["session", "access_token", "conso_token"] }).notNull(),
    dataKeyWrapped: text("data_key_wrapped").notNull(), // account data key wrapped under HKDF(token)
    createdAt: text("created_at").notNull(),
    expiresAtMs: integer("expires_at_ms").notNull(),
    keyId: text("key_id"), // fingerprint of the APP_SECRET that made token_hash (null: made before fingerprints existed)
  },
  (t) => [index("auth_tokens_user_idx").on(t.userId)],
);

/** Delivery points (PDL / PRM). A usage point belongs to at most one account. */
export const usagePoints = sqliteTable(
  "usage_points",
  {
    usagePointId: text("usage_point_id").primaryKey(), // 14 digits
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    hasConsumption: integer("has_consumption", { mode: "boolean" }).notNull().default(true),
    hasProduction: integer("has_production", { mode: "boolean" }).notNull().default(false),
    subscribedPower: text("subscribed_power"), // e.g. "9 kVA"
    offpeakHours: text("offpeak_hours"), // e.g. "HC (22H30-6H30)"
    pricingOption: text("pricing_option"), // BASE, HC_HP… from the contract (pdl/public-fields.ts); null when unknown
    activationDate: text("activation_date"), // YYYY-MM-DD, meter activation from the contract: reads never ask Enedis before it
    consentExpiresAt: text("consent_expires_at"), // this PRM's own consent end date (v2: its service's dateFin)
    consentStatus: text("consent_status"), // Enedis's state of the consent at discovery: ACTIF, DEMANDE (v1: null)
    lastError: text("last_error"), // last gateway error code seen for this PDL (CONSENT_REQUIRED, …), cleared on success
    // Background sync (docs/sync.md). Days are Paris calendar days; *_ms epoch milliseconds.
    sync: integer("sync", { mode: "boolean" }).notNull().default(true), // background sync on/off (PATCH /api/pdl)
    syncSoonAtMs: integer("sync_soon_at_ms"), // just consented or switched on: run at this time, then cleared
    syncSinceMs: integer("sync_since_ms"), // when sync was (re)started: the 14-day rest counts from here when never read
    syncStopped: text("sync_stopped"), // CONSENT_REQUIRED / NOT_OWNER: stopped until a new consent or sync switched on again
    lastSyncAt: text("last_sync_at"), // last run that reached D-1 (ISO)
    syncedThrough: text("synced_through"), // last day every series was fetched for
    lastSyncAttemptMs: integer("last_sync_attempt_ms"), // last run, whatever its outcome
    syncFailedAtMs: integer("sync_failed_at_ms"), // last run that failed (Enedis error other than "not published yet")
    lastReadDay: text("last_read_day"), // last Paris day the mirror served this PDL (written at most once a day)
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("usage_points_user_idx").on(t.userId)],
);

/** Consent `state` nonces: single use (deleted when consumed), bound to the session that asked, 10-minute life. */
export const consentStates = sqliteTable("consent_states", {
  nonce: text("nonce").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  sessionHash: text("session_hash").notNull(), // hash of the session that started the consent
  expiresAtMs: integer("expires_at_ms").notNull(),
});

/** Fixed-window counters for login/signup throttling (per IP and per email hash). */
export const attemptCounters = sqliteTable("attempt_counters", {
  key: text("key").primaryKey(), // "<scope>:<keyed hash>"
  windowStartMs: integer("window_start_ms").notNull(),
  count: integer("count").notNull().default(0),
});

/**
 * KV key prefixes (keyed hashes: they name no person and no PDL) of deleted accounts and PDLs, purged once more
 * after `purge_after_ms`: KV's listing is eventually consistent, and a request in flight during the deletion may
 * still have written an entry. Deleted by the daily cron once purged.
 */
export const pendingPurges = sqliteTable("pending_purges", {
  prefix: text("prefix").primaryKey(),
  purgeAfterMs: integer("purge_after_ms").notNull(),
});

/** The simulator's own state (consents given on its consent pages). Only used when ENEDIS_ENV=simulator. */
export const simulatorConsents = sqliteTable("simulator_consents", {
  id: text("id").primaryKey(), // the v1 `code` or the v2 `autorisation_id`
  clientId: text("client_id").notNull(),
  householdId: text("household_id").notNull(),
  usagePointIds: text("usage_point_ids").notNull(), // comma-separated
  createdAt: text("created_at").notNull(),
  expiresAt: text("expires_at").notNull(),
  revoked: integer("revoked", { mode: "boolean" }).notNull().default(false),
});

export const nowIso = () => new Date().toISOString();
