import { describe, expect, it } from "vitest";
import { firstUnderRing, hashList, keyId, keyRing, matchHash, ringHashes, ringKeys } from "../../src/crypto/key-ring";
import { keyedHash } from "../../src/crypto/keyed-hash";
import { hashPassword, verifyPassword } from "../../src/crypto/password";
import { openJson, sealJson, serverSealingKey } from "../../src/crypto/seal";

const OLD = "unit-test-old-app-secret-0123456789abcdef";
const NEW = "unit-test-new-app-secret-0123456789abcdef";
const OTHER = "unit-test-other-app-secret-0123456789abcd";
const envOf = (vars: Record<string, string>) => vars as never;

describe("key ring (APP_SECRET, then APP_SECRET_PREVIOUS)", () => {
  it("has a previous key only when APP_SECRET_PREVIOUS is set and differs from APP_SECRET", () => {
    expect(keyRing(envOf({ APP_SECRET: NEW }))).toEqual({ current: NEW });
    expect(keyRing(envOf({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: "" }))).toEqual({ current: NEW });
    expect(keyRing(envOf({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: NEW }))).toEqual({ current: NEW });
    expect(keyRing(envOf({ APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD }))).toEqual({ current: NEW, previous: OLD });
    expect(ringKeys({ current: NEW, previous: OLD })).toEqual([NEW, OLD]);
    expect(ringKeys({ current: NEW })).toEqual([NEW]);
  });

  it("fingerprints a key with 8 characters that tell keys apart and are no keyed hash of anything else", async () => {
    expect(await keyId(NEW)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(await keyId(NEW)).toBe(await keyId(NEW));
    expect(await keyId(NEW)).not.toBe(await keyId(OLD));
    expect((await keyedHash(NEW, "client-secret", "")).slice(0, 8)).not.toBe(await keyId(NEW));
  });

  it("recognises a keyed hash made under either key, and says which", async () => {
    const ring = { current: NEW, previous: OLD };
    const h = await ringHashes(ring, "client-secret", "lgs_abc");
    expect(h).toEqual({ current: await keyedHash(NEW, "client-secret", "lgs_abc"), previous: await keyedHash(OLD, "client-secret", "lgs_abc") });
    expect(hashList(h)).toEqual([h.current, h.previous]);
    expect(matchHash(h.current, h)).toBe("current");
    expect(matchHash(h.previous!, h)).toBe("previous");
    expect(matchHash(await keyedHash(OTHER, "client-secret", "lgs_abc"), h)).toBeNull();
    expect(matchHash(await keyedHash(NEW, "client-secret", "lgs_abd"), h)).toBeNull();
    // once the previous key is gone, what it made is no longer recognised
    const alone = await ringHashes({ current: NEW }, "client-secret", "lgs_abc");
    expect(hashList(alone)).toEqual([alone.current]);
    expect(matchHash(h.previous!, alone)).toBeNull();
  });

  it("opens under the current key first, the previous one only when that fails", async () => {
    const sealedOld = await sealJson(await serverSealingKey(OLD, "p"), { v: 1 }, "aad");
    const tried: string[] = [];
    const open = (sealed: string) => (secret: string) => {
      tried.push(secret);
      return serverSealingKey(secret, "p").then((k) => openJson<{ v: number }>(k, sealed, "aad")).catch(() => null);
    };
    expect(await firstUnderRing({ current: NEW, previous: OLD }, open(sealedOld))).toEqual({ value: { v: 1 }, underPrevious: true });
    expect(tried).toEqual([NEW, OLD]);
    tried.length = 0;
    const sealedNew = await sealJson(await serverSealingKey(NEW, "p"), { v: 2 }, "aad");
    expect(await firstUnderRing({ current: NEW, previous: OLD }, open(sealedNew))).toEqual({ value: { v: 2 }, underPrevious: false });
    expect(tried).toEqual([NEW]);
    expect(await firstUnderRing({ current: NEW }, open(sealedOld))).toBeNull();
    expect(await firstUnderRing({ current: NEW, previous: OTHER }, open(sealedOld))).toBeNull();
  });
});

describe("password verifier peppered under the previous key", () => {
  it("matches, and hands back the same verifier peppered under the current key (same salt, same wrap secret)", async () => {
    const { stored, wrapSecret } = await hashPassword("correct horse battery", OLD);
    const match = await verifyPassword(stored, "correct horse battery", NEW, OLD);
    expect(match?.wrapSecret).toEqual(wrapSecret);
    expect(match?.outdated).toBe(false);
    const repeppered = match!.repeppered!;
    expect(repeppered.split("$").slice(0, 3)).toEqual(stored.split("$").slice(0, 3));
    expect(repeppered).not.toBe(stored);
    const again = await verifyPassword(repeppered, "correct horse battery", NEW);
    expect(again?.wrapSecret).toEqual(wrapSecret);
    expect(again?.repeppered).toBeUndefined();
  });

  it("refuses a wrong password under either key, and the previous key's verifier without APP_SECRET_PREVIOUS", async () => {
    const { stored } = await hashPassword("correct horse battery", OLD);
    expect(await verifyPassword(stored, "wrong horse battery", NEW, OLD)).toBeNull();
    expect(await verifyPassword(stored, "correct horse battery", NEW)).toBeNull();
    expect(await verifyPassword(stored, "correct horse battery", NEW, OTHER)).toBeNull();
  });
});
