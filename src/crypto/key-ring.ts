import { getConfig } from "../config";
import type { Env } from "../env";
import { constantTimeEqual, keyedHash } from "./keyed-hash";

/**
 * The server key ring (README "Rotating APP_SECRET"): APP_SECRET makes everything new; APP_SECRET_PREVIOUS, set only
 * while a rotation is under way, is used only to recognise what was made under it — which is then re-made under
 * APP_SECRET at its next use. This module is the one place that knows the order "current, then previous".
 */
export interface KeyRing {
  current: string;
  previous?: string;
}

export function keyRing(env: Env): KeyRing {
  const c = getConfig(env);
  return c.appSecretPrevious ? { current: c.appSecret, previous: c.appSecretPrevious } : { current: c.appSecret };
}

/** The ring's keys, current first. */
export const ringKeys = (ring: KeyRing): string[] => (ring.previous ? [ring.current, ring.previous] : [ring.current]);

const ids = new Map<string, Promise<string>>();

/**
 * A key's public fingerprint, stored next to what was made under it (the `*key_id` columns): a keyed hash says
 * nothing of the key that made it, and the daily count must know what still depends on an older key. 48 bits of an
 * HMAC under the key over a fixed label: tells keys apart, gives nothing towards the key itself.
 */
export function keyId(secret: string): Promise<string> {
  let id = ids.get(secret);
  if (!id) {
    id = keyedHash(secret, "key-id", "").then((h) => h.slice(0, 8));
    ids.set(secret, id);
  }
  return id;
}

/** A value's keyed hash under each key of the ring. */
export interface RingHashes {
  current: string;
  previous?: string;
}

export async function ringHashes(ring: KeyRing, purpose: string, value: string): Promise<RingHashes> {
  const current = await keyedHash(ring.current, purpose, value);
  return ring.previous ? { current, previous: await keyedHash(ring.previous, purpose, value) } : { current };
}

/** Both hashes, for a lookup `IN (…)`: one query whichever key made the stored one. */
export const hashList = (h: RingHashes): string[] => (h.previous ? [h.current, h.previous] : [h.current]);

/** Which key made `stored` (compared in constant time, as every keyed hash is), or null when neither did. */
export function matchHash(stored: string, h: RingHashes): "current" | "previous" | null {
  if (constantTimeEqual(stored, h.current)) return "current";
  if (h.previous !== undefined && constantTimeEqual(stored, h.previous)) return "previous";
  return null;
}

/**
 * Runs `attempt` under the current key, then under the previous one; the first answer that is not null, and whether
 * it took the previous key (then the caller re-makes the thing under the current key).
 */
export async function firstUnderRing<T>(ring: KeyRing, attempt: (secret: string) => Promise<T | null>): Promise<{ value: T; underPrevious: boolean } | null> {
  const current = await attempt(ring.current);
  if (current !== null) return { value: current, underPrevious: false };
  if (ring.previous === undefined) return null;
  const previous = await attempt(ring.previous);
  return previous !== null ? { value: previous, underPrevious: true } : null;
}
