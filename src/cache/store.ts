import { and, eq, sql } from "drizzle-orm";
import { accountPrivateKey, openPrivateKey } from "../accounts/key-pair";
import { openJson, sealJson } from "../crypto/seal";
import { isSealedToPublicKey, openWithPrivateKey, sealToPublicKey } from "../crypto/sealed-box";
import { db } from "../db/client";
import { usagePoints } from "../db/schema";
import { todayInParis } from "../enedis/dates";
import type { Env } from "../env";
import { accountPrefixes, dayName, packAad, packName, pdlPrefix, pdlPrefixes, previousPdlPrefix, slotAad, type CacheKind } from "./keys";
import { isSettledDay, packPeriodOf, planRead, type PackContent, type PackPeriod } from "./packs";

/**
 * The encrypted cache (SECURITY.md property 1): KV entries per account × PDL × kind × day — or per settled month or
 * week (cache/packs.ts) — AES-GCM under the account's data key, the slot as AAD. Without the user's credential there
 * is no data key, so nothing here is readable at rest — not by the operator either.
 */
export interface CacheSlot {
  env: Env;
  userId: string;
  usagePointId: string;
  kind: CacheKind;
  dataKey: CryptoKey;
  /** the account's key pair columns when the caller's query already read them (no query to open sync entries) */
  keyPair?: { publicKey: string | null; privateKeySealed: string | null };
}

/** How long a value read from a per-day entry may live once packed or moved (the TTL it would get if written now). */
export type TtlOf<T> = (day: string, value: T) => number;

const KV_BULK_MAX = 100; // Workers KV bulk get takes at most 100 keys

async function getMany(env: Env, names: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (let i = 0; i < names.length; i += KV_BULK_MAX) {
    const values = await env.KV.get(names.slice(i, i + KV_BULK_MAX), "text");
    for (const [k, v] of values) out.set(k, v);
  }
  return out;
}

/** The private key of an account, opened once per data key and sealed column (both come from D1 for this request). */
const privateKeys = new WeakMap<CryptoKey, { sealed: string; key: Promise<{ privateKey: CryptoKey; publicRaw: string } | null> }>();

function privateKeyFor(slot: CacheSlot): Promise<{ privateKey: CryptoKey; publicRaw: string } | null> {
  const pair = slot.keyPair;
  if (!pair?.publicKey || !pair.privateKeySealed) return accountPrivateKey(slot.env, slot.userId, slot.dataKey);
  const known = privateKeys.get(slot.dataKey);
  if (known && known.sealed === pair.privateKeySealed) return known.key;
  const key = openPrivateKey(slot.userId, slot.dataKey, pair.publicKey, pair.privateKeySealed);
  privateKeys.set(slot.dataKey, { sealed: pair.privateKeySealed, key });
  return key;
}

/** Opens one per-day entry: under the data key, or sealed by background sync to the account's public key ("p1."). */
async function openEntry<T>(slot: CacheSlot, sealed: string, day: string): Promise<T> {
  const aad = slotAad(slot.userId, slot.usagePointId, slot.kind, day);
  if (!isSealedToPublicKey(sealed)) return openJson<T>(slot.dataKey, sealed, aad);
  const recipient = await privateKeyFor(slot);
  if (!recipient) throw new Error("no key pair");
  return openWithPrivateKey<T>(recipient, sealed, aad);
}

/** A pack, or undefined when absent or not ours to read (tampered, moved to another slot, other key). */
async function openPack<T>(slot: CacheSlot, sealed: string | null | undefined, period: PackPeriod): Promise<PackContent<T> | undefined> {
  if (!sealed) return undefined;
  try {
    return await openJson<PackContent<T>>(slot.dataKey, sealed, packAad(slot.userId, slot.usagePointId, slot.kind, period));
  } catch {
    return undefined;
  }
}

/**
 * Reads the given days; a day absent, expired or undecryptable (tampered, moved) is simply missing. One bulk KV read
 * asks for the packs of settled periods and the entries of recent days; only days a pack lacks are then looked for as
 * per-day entries (written before packing existed, or by background sync) — and, during an APP_SECRET rotation,
 * under the previous secret's names. What that second look finds is packed (settled days, when `ttlOf` says how long
 * each may live) or moved under the current names, so the next read takes the short way.
 */
export async function readDays<T>(slot: CacheSlot, days: string[], ttlOf?: TtlOf<T>): Promise<Map<string, T>> {
  const { env, kind } = slot;
  const nowMs = Date.now();
  const plan = planRead(kind, days, todayInParis(new Date(nowMs)));
  const prefix = await pdlPrefix(env, slot.userId, slot.usagePointId);
  const found = new Map<string, T>();

  const first = await getMany(env, [...plan.packs.map((p) => packName(prefix, kind, p.period)), ...plan.loose.map((d) => dayName(prefix, kind, d))]);
  const packs = new Map<PackPeriod, PackContent<T>>();
  await Promise.all(
    plan.packs.map(async ({ period, days: inPeriod }) => {
      const content = await openPack<T>(slot, first.get(packName(prefix, kind, period)), period);
      if (!content) return;
      packs.set(period, content);
      for (const day of inPeriod) {
        const entry = content[day];
        if (entry && entry.e > nowMs) found.set(day, entry.v);
      }
    }),
  );
  await Promise.all(plan.loose.map((day) => openInto(slot, first.get(dayName(prefix, kind, day)), day, found)));

  // Second look, only for what is still missing: per-day entries of packed days, previous-secret names of anything.
  const previousPrefix = await previousPdlPrefix(env, slot.userId, slot.usagePointId);
  const packedMissing = plan.packs.flatMap((p) => p.days.filter((d) => !found.has(d)));
  const looseMissing = plan.loose.filter((d) => !found.has(d));
  const second: string[] = packedMissing.map((d) => dayName(prefix, kind, d));
  if (previousPrefix) {
    second.push(...plan.packs.filter((p) => !packs.has(p.period)).map((p) => packName(previousPrefix, kind, p.period)));
    second.push(...[...packedMissing, ...looseMissing].map((d) => dayName(previousPrefix, kind, d)));
  }
  if (second.length === 0) return found;
  const values = await getMany(env, second);

  const dirty = new Map<PackPeriod, { add: Map<string, T>; absorbed: string[] }>();
  const dirtyOf = (period: PackPeriod) => {
    let d = dirty.get(period);
    if (!d) dirty.set(period, (d = { add: new Map(), absorbed: [] }));
    return d;
  };
  if (previousPrefix) {
    for (const { period, days: inPeriod } of plan.packs) {
      if (packs.has(period)) continue;
      const name = packName(previousPrefix, kind, period);
      const content = await openPack<T>(slot, values.get(name), period);
      if (!content) continue;
      packs.set(period, content);
      dirtyOf(period).absorbed.push(name); // rewritten under the current name below, the old one deleted
      for (const day of inPeriod) if (content[day] && content[day].e > nowMs && !found.has(day)) found.set(day, content[day].v);
    }
  }
  const moves: Array<{ from: string; to: string; sealed: string; ttl: number }> = [];
  const inSettledPeriod = new Set(packedMissing);
  for (const day of [...packedMissing, ...looseMissing]) {
    if (found.has(day)) continue;
    const period = packPeriodOf(kind, day);
    const packed = inSettledPeriod.has(day);
    for (const name of [dayName(prefix, kind, day), ...(previousPrefix ? [dayName(previousPrefix, kind, day)] : [])]) {
      const sealed = values.get(name);
      if (!sealed) continue;
      let value: T;
      try {
        value = await openEntry<T>(slot, sealed, day);
      } catch {
        continue; // not ours to read (wrong key or slot): a miss, fetched and overwritten
      }
      found.set(day, value);
      if (packed && ttlOf) {
        const d = dirtyOf(period!);
        d.add.set(day, value);
        d.absorbed.push(name);
      } else if (name !== dayName(prefix, kind, day) && ttlOf) {
        moves.push({ from: name, to: dayName(prefix, kind, day), sealed, ttl: ttlOf(day, value) });
      }
      break;
    }
  }

  await Promise.all([
    ...[...dirty].map(([period, d]) =>
      writePack(slot, prefix, period, (content) => {
        for (const [day, value] of d.add) content[day] = { e: nowMs + ttlOf!(day, value) * 1000, v: value };
      }, packs.get(period)).then(async (written) => {
        if (written) await Promise.all(d.absorbed.map((name) => env.KV.delete(name)));
      }),
    ),
    moveEntries(slot, moves),
  ]);
  return found;
}

/** Entries found under the previous secret's names, moved under the current ones (then writeDays's ownership check). */
async function moveEntries(slot: CacheSlot, moves: Array<{ from: string; to: string; sealed: string; ttl: number }>) {
  if (moves.length === 0) return;
  // the same ciphertext: its AAD names the slot (account, PDL, kind, day), not the key name
  await Promise.all(moves.map((m) => slot.env.KV.put(m.to, m.sealed, { expirationTtl: Math.max(60, m.ttl) })));
  await Promise.all(moves.map((m) => slot.env.KV.delete(m.from)));
  if (!(await pdlStillOwned(slot.env, slot.userId, slot.usagePointId))) await Promise.all(moves.map((m) => slot.env.KV.delete(m.to)));
}

async function openInto<T>(slot: CacheSlot, sealed: string | null | undefined, day: string, found: Map<string, T>) {
  if (!sealed) return;
  try {
    found.set(day, await openEntry<T>(slot, sealed, day));
  } catch {
    // not ours to read (wrong key or slot): treat as a miss, it will be fetched and overwritten
  }
}

/**
 * Pack writes of this isolate, one at a time per pack: a request's concurrent Enedis calls may end in the same week.
 * (Two isolates writing the same pack at once may drop a day: it is then a miss, fetched again.)
 */
const packLocks = new Map<string, Promise<unknown>>();
function withPackLock<R>(name: string, run: () => Promise<R>): Promise<R> {
  const before = packLocks.get(name) ?? Promise.resolve();
  const result = before.then(run, run);
  const tail = result.catch(() => undefined);
  packLocks.set(name, tail);
  void tail.then(() => {
    if (packLocks.get(name) === tail) packLocks.delete(name);
  });
  return result;
}

/**
 * Read-modify-write of one pack: `current` is what the caller already opened (else it is read now); expired days go;
 * the KV TTL is the longest day's (each day still expires on its own inside). Then the ownership check of writeDays.
 * False when nothing was written (nothing left alive, or the PDL is gone).
 */
async function writePack<T>(slot: CacheSlot, prefix: string, period: PackPeriod, change: (content: PackContent<T>) => void, current?: PackContent<T>): Promise<boolean> {
  const name = packName(prefix, slot.kind, period);
  return withPackLock(name, async () => {
    const nowMs = Date.now();
    const content: PackContent<T> = { ...(current ?? (await openPack<T>(slot, await slot.env.KV.get(name, "text"), period)) ?? {}) };
    change(content);
    let lastMs = 0;
    for (const [day, entry] of Object.entries(content)) {
      if (entry.e <= nowMs) delete content[day];
      else lastMs = Math.max(lastMs, entry.e);
    }
    if (lastMs === 0) return false;
    const sealed = await sealJson(slot.dataKey, content, packAad(slot.userId, slot.usagePointId, slot.kind, period));
    await slot.env.KV.put(name, sealed, { expirationTtl: Math.max(60, Math.ceil((lastMs - nowMs) / 1000)) });
    if (await pdlStillOwned(slot.env, slot.userId, slot.usagePointId)) return true;
    await slot.env.KV.delete(name);
    return false;
  });
}

/**
 * Seals and writes the given days, each with a TTL (no cache entry lives forever): settled days into their month's or week's pack,
 * others one entry per day. Then checks in D1 that the PDL still belongs to the account: a request in flight while
 * the PDL or account is deleted must not resurrect an entry the deletion already purged, so if the row is gone, what
 * was just written is deleted again (SECURITY.md property 7). A write whose check ran just before the row went is
 * caught by the deletion's second purge.
 */
export async function writeDays<T>(slot: CacheSlot, entries: Array<{ day: string; value: T; ttlSeconds: number }>) {
  const today = todayInParis(new Date());
  const byPack = new Map<PackPeriod, Array<{ day: string; value: T; ttlSeconds: number }>>();
  const loose: typeof entries = [];
  for (const entry of entries) {
    const period = packPeriodOf(slot.kind, entry.day);
    if (period && isSettledDay(entry.day, today)) {
      const list = byPack.get(period);
      if (list) list.push(entry);
      else byPack.set(period, [entry]);
    } else loose.push(entry);
  }
  const prefix = byPack.size > 0 ? await pdlPrefix(slot.env, slot.userId, slot.usagePointId) : "";
  await Promise.all([
    writeSealed(slot, loose, (value, aad) => sealJson(slot.dataKey, value, aad)),
    ...[...byPack].map(([period, list]) =>
      writePack<T>(slot, prefix, period, (content) => {
        const nowMs = Date.now();
        for (const { day, value, ttlSeconds } of list) content[day] = { e: nowMs + Math.max(60, ttlSeconds) * 1000, v: value };
      }),
    ),
  ]);
}

/** What background sync writes: per-day entries sealed to the account's public key (it holds no data key, so no pack). */
export type SyncSlot = Omit<CacheSlot, "dataKey" | "keyPair"> & { publicKey: CryptoKey };
export async function writeDaysSealedToPublicKey<T>(slot: SyncSlot, entries: Array<{ day: string; value: T; ttlSeconds: number }>) {
  await writeSealed(slot, entries, (value, aad) => sealToPublicKey(slot.publicKey, value, aad));
}

/**
 * The days of `days` that have a per-day entry (of either kind): key names only, nothing is opened. Sync asks this
 * for recent days only, which are never packed.
 */
export async function presentDays(slot: Omit<CacheSlot, "dataKey">, days: string[]): Promise<Set<string>> {
  const prefix = await pdlPrefix(slot.env, slot.userId, slot.usagePointId);
  const values = await getMany(slot.env, days.map((d) => dayName(prefix, slot.kind, d)));
  return new Set(days.filter((d) => values.get(dayName(prefix, slot.kind, d))));
}

async function writeSealed<T>(
  slot: Omit<CacheSlot, "dataKey">,
  entries: Array<{ day: string; value: T; ttlSeconds: number }>,
  seal: (value: T, aad: string) => Promise<string>,
) {
  if (entries.length === 0) return;
  const prefix = await pdlPrefix(slot.env, slot.userId, slot.usagePointId);
  const names = entries.map(({ day }) => dayName(prefix, slot.kind, day));
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

/** A PDL's or an account's entries, packs included — under the previous secret's prefix too during a rotation. */
export async function purgePdlCache(env: Env, userId: string, usagePointId: string) {
  let deleted = 0;
  for (const prefix of await pdlPrefixes(env, userId, usagePointId)) deleted += await deleteByPrefix(env, prefix);
  return deleted;
}
export async function purgeAccountCache(env: Env, userId: string) {
  let deleted = 0;
  for (const prefix of await accountPrefixes(env, userId)) deleted += await deleteByPrefix(env, prefix);
  return deleted;
}
