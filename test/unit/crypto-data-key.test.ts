import { describe, expect, it } from "vitest";
import { generateDataKey, unwrapDataKey, wrapDataKey, type WrapPurpose } from "../../src/crypto/data-key";
import { fromBase64Url, randomBytes, toBase64Url } from "../../src/crypto/encoding";
import { openJson, sealJson } from "../../src/crypto/seal";

const SECRET = "lgs_the-users-client-secret";

/** Two keys are the same AES key when what one seals the other opens. */
async function sameKey(a: CryptoKey, b: CryptoKey) {
  const sealed = await sealJson(a, { probe: 42 }, "aad");
  return (await openJson<{ probe: number }>(b, sealed, "aad")).probe === 42;
}

describe("the account data key and its wrapped copies (SECURITY.md 1)", () => {
  it("is a 256-bit AES-GCM key", async () => {
    const key = await generateDataKey();
    expect(key.algorithm).toMatchObject({ name: "AES-GCM", length: 256 });
    expect(key.usages.sort()).toEqual(["decrypt", "encrypt"]);
  });

  it('wraps as "k1.<16-byte salt>.<AES-KW blob>" and unwraps back to the same key', async () => {
    const key = await generateDataKey();
    const wrapped = await wrapDataKey(key, SECRET, "client_secret");
    const m = /^k1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(wrapped);
    expect(m).not.toBeNull();
    expect(fromBase64Url(m![1]).byteLength).toBe(16);
    expect(fromBase64Url(m![2]).byteLength).toBe(40); // AES-KW of a 32-byte key
    expect(wrapped).not.toContain(SECRET);
    const raw = toBase64Url((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer);
    expect(wrapped).not.toContain(raw);
    expect(await sameKey(key, await unwrapDataKey(wrapped, SECRET, "client_secret"))).toBe(true);
  });

  it("works with byte secrets (the password's PBKDF2 wrap secret)", async () => {
    const key = await generateDataKey();
    const secret = randomBytes(32);
    const wrapped = await wrapDataKey(key, secret, "password");
    expect(await sameKey(key, await unwrapDataKey(wrapped, secret, "password"))).toBe(true);
    const other = new Uint8Array(secret);
    other[0] ^= 1;
    await expect(unwrapDataKey(wrapped, other, "password")).rejects.toThrow();
  });

  it("fails with a wrong secret, a wrong purpose or a tampered copy", async () => {
    const key = await generateDataKey();
    const wrapped = await wrapDataKey(key, SECRET, "client_secret");
    await expect(unwrapDataKey(wrapped, `${SECRET}x`, "client_secret")).rejects.toThrow();
    await expect(unwrapDataKey(wrapped, "", "client_secret")).rejects.toThrow();
    for (const purpose of ["password", "session", "access_token"] as WrapPurpose[]) {
      await expect(unwrapDataKey(wrapped, SECRET, purpose), purpose).rejects.toThrow();
    }
    const [v, salt, body] = wrapped.split(".");
    const flipped = fromBase64Url(body);
    flipped[0] ^= 1;
    await expect(unwrapDataKey(`${v}.${salt}.${toBase64Url(flipped)}`, SECRET, "client_secret")).rejects.toThrow();
    const otherSalt = toBase64Url(randomBytes(16));
    await expect(unwrapDataKey(`${v}.${otherSalt}.${body}`, SECRET, "client_secret")).rejects.toThrow();
    await expect(unwrapDataKey(`k0.${salt}.${body}`, SECRET, "client_secret")).rejects.toThrow();
    await expect(unwrapDataKey("garbage", SECRET, "client_secret")).rejects.toThrow();
  });

  it("salts every copy: wrapping twice under the same secret gives different copies, both valid", async () => {
    const key = await generateDataKey();
    const a = await wrapDataKey(key, SECRET, "session");
    const b = await wrapDataKey(key, SECRET, "session");
    expect(a).not.toBe(b);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
    expect(await sameKey(await unwrapDataKey(a, SECRET, "session"), await unwrapDataKey(b, SECRET, "session"))).toBe(true);
  });

  it("an unwrapped key can be wrapped again (a new session or a regenerated secret gets its own copy)", async () => {
    const key = await generateDataKey();
    const unwrapped = await unwrapDataKey(await wrapDataKey(key, SECRET, "client_secret"), SECRET, "client_secret");
    const rewrapped = await wrapDataKey(unwrapped, "lgsess_new-session", "session");
    expect(await sameKey(key, await unwrapDataKey(rewrapped, "lgsess_new-session", "session"))).toBe(true);
  });
});

describe("unwrapped keys remembered per isolate", () => {
  it("the same wrapped copy and credential unwrap once; a wrong credential or another copy is never served from memory", async () => {
    const { generateDataKey, unwrapDataKey, unwrappedKeysInMemory, wrapDataKey } = await import("../../src/crypto/data-key");
    const dataKey = await generateDataKey();
    const wrapped = await wrapDataKey(dataKey, "lgs_secret-one", "client_secret");
    const first = await unwrapDataKey(wrapped, "lgs_secret-one", "client_secret");
    const size = unwrappedKeysInMemory();
    expect(await unwrapDataKey(wrapped, "lgs_secret-one", "client_secret")).toBe(first); // remembered
    expect(unwrappedKeysInMemory()).toBe(size);
    await expect(unwrapDataKey(wrapped, "lgs_secret-two", "client_secret")).rejects.toThrow();
    await expect(unwrapDataKey(wrapped, "lgs_secret-one", "password")).rejects.toThrow(); // purpose is part of it
    expect(unwrappedKeysInMemory()).toBe(size); // failures are not remembered
    // a regenerated secret: D1 now returns another wrapped copy; the old credential does not open it
    const rewrapped = await wrapDataKey(dataKey, "lgs_secret-new", "client_secret");
    await expect(unwrapDataKey(rewrapped, "lgs_secret-one", "client_secret")).rejects.toThrow();
    expect(await crypto.subtle.exportKey("raw", await unwrapDataKey(rewrapped, "lgs_secret-new", "client_secret"))).toEqual(await crypto.subtle.exportKey("raw", dataKey));
  });
});
