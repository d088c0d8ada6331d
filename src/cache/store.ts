import { and, eq, sql } from "drizzle-orm";
import { accountPrivateKey } from "../accounts/key-pair";
import { openJson, sealJson } from "../crypto/seal";
import { isSealedToPublicKey, openWithPrivateKey, sealToPublicKey } from "../crypto/sealed-box";
import { db } from "../db/client";
import { usagePoints } from "../db/schema";
import type { Env } from "../env";
import { pdlPrefix, accountPrefix, slotAad, type CacheKind } from "./keys";

/**
 * The encrypted cache (SECURITY.md property 1): one KV entry per account × PDL × kind × day, AES-GCM under
 * the account's data key, the slot as AAD. Without the user's credential there is no data key, so nothing
 * here is readable at rest — not by the operator either.
 */
export interface CacheSlot {
  env: Env;
  userId: string;
  usagePointId: string;
  kind: CacheKind;
  dataKey: CryptoKey;
}

const KV_BULK_MAX = 100; // Workers KV bulk get takes at most 100 keys

/**
 * Reads the given days; a day absent, expired or undecryptable (tampered, moved) is simply missing. Entries background
 * sync sealed to the account's public key ("p1.") open with the private key, itself opened with the data key.
 */
export async function readDays<T>(slot: CacheSlot, days: string[]): Promise<Map<string, T>> {
  const prefix = await pdlPrefix(slot.env, slot.userId, slot.usagePointId);
  const found = new Map<string, T>();
  let privateKey: ReturnType<typeof accountPrivateKey> | undefined; // loaded once, only when a sync entry is met
  const open = (sealed: string, aad: string) => {
    if (!isSealedToPublicKey(sealed)) return openJson<T>(slot.dataKey, sealed, aad);
    privateKey ??= accountPrivateKey(slot.env, slot.userId, slot.dataKey);
    return privateKey.then((recipient) => {
      if (!recipient) throw new Error("no key pair");
      return openWithPrivateKey<T>(recipient, sealed, aad);
    });
  };
  for (let i = 0; i < days.length; i += KV_BULK_MAX) {
    const chunk = days.slice(i, i + KV_BULK_MAX);
    const values = await slot.env.KV.get(chunk.map((d) => `${prefix}${slot.kind}:${d}`), "text");
    await Promise.all(
      chunk.map(async (day) => {
        const sealed = values.get(`${prefix}${slot.kind}:${day}`);
        if (!sealed) return;
        try {
          found.set(day, await open(sealed, slotAad(slot.userId, slot.usagePointId, slot.kind, day)));
        } catch {
          // not ours to read (wrong key or slot): treat as a miss, it will be fetched and overwritten
        }
      }),
    );
  }
  return found;
}

/**
 * Seals and writes the given days, each with a TTL (no cache entry lives forever). Then checks in D1 that the PDL
 * still belongs to the account: a request in flight while the PDL or account is deleted must not resurrect an
 * entry the deletion already purged, so if the row is gone, what was just written is deleted again
 * (SECURITY.md property 7). A write whose check ran just before the row went is caught by the deletion's second purge.
 */
export async function writeDays<T>(slot: CacheSlot, entries: Array<{ day: string; value: T; ttlSeconds: number }>) {
  await writeSealed(slot, entries, (value, aad) => sealJson(slot.dataKey, value, aad));
}

/** What background sync writes: the same entries, sealed to the account's public key (it holds no data key). */
export type SyncSlot = Omit<CacheSlot, "dataKey"> & { publicKey: CryptoKey };
export async function writeDaysSealedToPublicKey<T>(slot: SyncSlot, entries: Array<{ day: string; value: T; ttlSeconds: number }>) {
  await writeSealed(slot, entries, (value, aad) => sealToPublicKey(slot.publicKey, value, aad));
}

/** The days of `days` that have an entry (of either kind): key names only, nothing is opened. */
export async function presentDays(slot: Omit<CacheSlot, "dataKey">, days: string[]): Promise<Set<string>> {
  const prefix = await pdlPrefix(slot.env, slot.userId, slot.usagePointId);
  const present = new Set<string>();
  for (let i = 0; i < days.length; i += KV_BULK_MAX) {
    const chunk = days.slice(i, i + KV_BULK_MAX);
    const values = await slot.env.KV.get(chunk.map((d) => `${prefix}${slot.kind}:${d}`), "text");
    for (const day of chunk) if (values.get(`${prefix}${slot.kind}:${day}`)) present.add(day);
  }
  return present;
}

async function writeSealed<T>(
  slot: Omit<CacheSlot, "dataKey">,
  entries: Array<{ day: string; value: T; ttlSeconds: number }>,
  seal: (value: T, aad: string) => Promise<string>,
) {
  if (entries.length === 0) return;
  const prefix = await pdlPrefix(slot.env, slot.userId, slot.usagePointId);
  const names = entries.map(({ day }) => `${prefix}${slot.kind}:${day}`);
  await Promise.all(
    entries.map(async ({ day, value, ttlSeconds }, i) =>
      slot.env.KV.put(names[i], await seal(value, slotAad(slot.userId, slot.usagePointId, slot.kind, day)), {
        expirationTtl: Math.max(60, ttlSeconds), // KV's minimum TTL is 60 s
      }),
    ),
  );
  if (!(await pdlStillOwned(slot.env, slot.userId, slot.usagePointId))) await Promise.all(names.map((name) => slot.env.KV.delete(name)));
}

/** One lookup by primary key: D1 is strongly consistent, unlike KV's listing. */
async function pdlStillOwned(env: Env, userId: string, usagePointId: string): Promise<boolean> {
  const row = await db(env)
    .select({ one: sql<number>`1` })
    .from(usagePoints)
    .where(and(eq(usagePoints.usagePointId, usagePointId), eq(usagePoints.userId, userId)))
    .get();
  return row !== undefined;
}

/** Deletes every key under a prefix (as far as KV's eventually consistent listing shows them); the count deleted. */
export async function deleteByPrefix(env: Env, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.KV.list({ prefix, cursor });
    await Promise.all(page.keys.map((k) => env.KV.delete(k.name)));
    deleted += page.keys.length;
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return deleted;
}

export const purgePdlCache = async (env: Env, userId: string, usagePointId: string) => deleteByPrefix(env, await pdlPrefix(env, userId, usagePointId));
export const purgeAccountCache = async (env: Env, userId: string) => deleteByPrefix(env, await accountPrefix(env, userId));
