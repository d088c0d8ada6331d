import { describe, expect, it, vi } from "vitest";
import { fromBase64Url, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { constantTimeEqual, keyedHash } from "../../src/crypto/keyed-hash";

const SECRET = "unit-test-app-secret-0123456789abcdef";

/** An independent HMAC-SHA-256 over "<purpose>\0<value>", to pin the construction the gateway relies on. */
async function referenceHmac(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64Url(await crypto.subtle.sign("HMAC", key, utf8(message)));
}

describe("keyedHash (SECURITY.md 1–2: stored secrets and KV names are HMACs under APP_SECRET)", () => {
  it("is HMAC-SHA-256 under APP_SECRET of purpose and value, 256 bits, deterministic", async () => {
    const h = await keyedHash(SECRET, "client-secret", "lgs_abc");
    expect(h).toBe(await referenceHmac(SECRET, "client-secret\u0000lgs_abc"));
    expect(fromBase64Url(h).byteLength).toBe(32);
    expect(await keyedHash(SECRET, "client-secret", "lgs_abc")).toBe(h);
    expect(h).not.toContain("lgs_abc");
  });

  it("separates domains: the same value hashed for two purposes gives unrelated hashes", async () => {
    const value = "09100000000001";
    const purposes = ["kv-pdl", "kv-token-record", "kv-account", "client-secret", "auth-token:session", "auth-token:access_token", "consent-state", "throttle"];
    const hashes = await Promise.all(purposes.map((p) => keyedHash(SECRET, p, value)));
    expect(new Set(hashes).size).toBe(purposes.length);
    // purpose and value are separated, not just concatenated: ("kv-pdl", "x") and ("kv-pd", "lx") do not meet
    expect(await keyedHash(SECRET, "kv-pdl", "x")).not.toBe(await keyedHash(SECRET, "kv-pd", "lx"));
  });

  it("depends on APP_SECRET: without it a stored hash cannot be recomputed", async () => {
    const a = await keyedHash(SECRET, "client-secret", "lgs_abc");
    const b = await keyedHash(`${SECRET}-other`, "client-secret", "lgs_abc");
    expect(a).not.toBe(b);
    // and an unkeyed SHA-256 of the value is not what is stored
    const plain = toBase64Url(await crypto.subtle.digest("SHA-256", utf8("client-secret\u0000lgs_abc")));
    expect(a).not.toBe(plain);
  });
});

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Every string that differs from `issued` only in its last character, one per base64url character. */
const lastCharVariants = (issued: string) => [...BASE64URL].map((ch) => `${issued.slice(0, -1)}${ch}`);

describe("constantTimeEqual: one comparison rule, the exact string issued (SECURITY.md 2–3)", () => {
  it("tells equal from different, whatever the lengths", async () => {
    const h = await keyedHash(SECRET, "p", "v");
    const other = await keyedHash(SECRET, "p", "w");
    expect(constantTimeEqual(h, h)).toBe(true);
    expect(constantTimeEqual(h, `${h}`)).toBe(true);
    expect(constantTimeEqual(h, other)).toBe(false);
    // one bit flipped in the last byte
    const bytes = fromBase64Url(h);
    bytes[31] ^= 1;
    expect(constantTimeEqual(h, toBase64Url(bytes))).toBe(false);
    expect(constantTimeEqual(h, h.slice(0, -2))).toBe(false);
    expect(constantTimeEqual(h, `${h}AA`)).toBe(false);
    expect(constantTimeEqual(h, `${h}=`)).toBe(false);
    expect(constantTimeEqual(h, "not base64url!")).toBe(false);
    expect(constantTimeEqual(h, "")).toBe(false);
    expect(constantTimeEqual("", h)).toBe(false);
  });

  // A 43-character HMAC carries 256 bits in 258: the decoder ignores the last character's 2 low bits, so
  // a compare-after-decoding rule accepts 3 other spellings. All 64 last characters are tried: only the one issued passes.
  it("a keyed hash: of the 64 possible last characters only the issued one matches", async () => {
    const h = await keyedHash(SECRET, "client-secret", "lgs_abc");
    expect(h).toHaveLength(43);
    const accepted = lastCharVariants(h).filter((v) => constantTimeEqual(h, v) && constantTimeEqual(v, h));
    expect(accepted).toEqual([h]);
  });

  // The consent state's MAC (src/consent/state.ts) is the HMAC's first 22 characters: 132 bits of which the
  // decoder keeps 128, so 16 spellings of the last character would decode to the same bytes.
  it("a consent-state-shaped MAC (22 characters): of the 64 possible last characters only the issued one matches", async () => {
    const tag = (await keyedHash(SECRET, "consent-state", "5f0c6a0e-6f1e-4d43-9a55-0d1f2e3a4b5c.AAAAAAAAAAAAAAAAAAAAAA")).slice(0, 22);
    expect(tag).toHaveLength(22);
    const accepted = lastCharVariants(tag).filter((v) => constantTimeEqual(v, tag));
    expect(accepted).toEqual([tag]);
  });

  it("compares with the runtime's timing-safe primitive, not with ===", async () => {
    const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBufferView, b: ArrayBufferView): boolean };
    const spy = vi.spyOn(subtle, "timingSafeEqual");
    try {
      const h = await keyedHash(SECRET, "p", "v");
      constantTimeEqual(h, await keyedHash(SECRET, "p", "w"));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});
