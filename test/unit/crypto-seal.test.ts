import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../../src/crypto/encoding";
import { generateDataKey } from "../../src/crypto/data-key";
import { openJson, sealJson, serverSealingKey } from "../../src/crypto/seal";

const VALUE = { meter_reading: { interval_reading: [{ value: "31415", date: "2026-01-02" }] } };
const AAD = "cache|user-1|09100000000001|consumption_daily|2026-01-02";

describe("sealJson / openJson (AES-256-GCM, slot as AAD)", () => {
  it('seals as "g1.<96-bit IV>.<ciphertext+tag>" and opens back to the same value', async () => {
    const key = await generateDataKey();
    const sealed = await sealJson(key, VALUE, AAD);
    const m = /^g1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(sealed);
    expect(m).not.toBeNull();
    expect(fromBase64Url(m![1]).byteLength).toBe(12);
    expect(fromBase64Url(m![2]).byteLength).toBe(JSON.stringify(VALUE).length + 16);
    expect(sealed).not.toContain("31415");
    expect(sealed).not.toContain("09100000000001");
    expect(await openJson(key, sealed, AAD)).toEqual(VALUE);
  });

  it("draws a fresh IV for every value, even the same value under the same key and slot", async () => {
    const key = await generateDataKey();
    const sealed = await Promise.all(Array.from({ length: 64 }, () => sealJson(key, VALUE, AAD)));
    expect(new Set(sealed.map((s) => s.split(".")[1])).size).toBe(64);
    expect(new Set(sealed.map((s) => s.split(".")[2])).size).toBe(64);
  });

  it("refuses to open under another slot (AAD), another key, or after tampering", async () => {
    const key = await generateDataKey();
    const sealed = await sealJson(key, VALUE, AAD);
    for (const other of [AAD.replace("2026-01-02", "2026-01-03"), AAD.replace("09100000000001", "09100000000002"), AAD.replace("user-1", "user-2"), AAD.replace("daily", "load_curve"), ""]) {
      await expect(openJson(key, sealed, other), other).rejects.toThrow();
    }
    await expect(openJson(await generateDataKey(), sealed, AAD)).rejects.toThrow();
    const [v, iv, ct] = sealed.split(".");
    const flipped = fromBase64Url(ct);
    flipped[0] ^= 1;
    await expect(openJson(key, `${v}.${iv}.${toBase64Url(flipped)}`, AAD)).rejects.toThrow();
    const ivFlipped = fromBase64Url(iv);
    ivFlipped[0] ^= 1;
    await expect(openJson(key, `${v}.${toBase64Url(ivFlipped)}.${ct}`, AAD)).rejects.toThrow();
    await expect(openJson(key, `g2.${iv}.${ct}`, AAD)).rejects.toThrow();
    await expect(openJson(key, "g1.only-two", AAD)).rejects.toThrow();
  });
});

describe("serverSealingKey (Enedis token records: APP_SECRET-derived, one key per purpose)", () => {
  const APP_SECRET = "unit-test-app-secret-0123456789abcdef";

  it("derives the same key for the same APP_SECRET and purpose, another for another purpose or secret", async () => {
    const sealed = await sealJson(await serverSealingKey(APP_SECRET, "enedis-token-record"), { accessToken: "enedis-at" }, "token:09100000000001");
    expect(sealed).not.toContain("enedis-at");
    expect(await openJson(await serverSealingKey(APP_SECRET, "enedis-token-record"), sealed, "token:09100000000001")).toEqual({ accessToken: "enedis-at" });
    await expect(openJson(await serverSealingKey(APP_SECRET, "other-purpose"), sealed, "token:09100000000001")).rejects.toThrow();
    await expect(openJson(await serverSealingKey(`${APP_SECRET}-rotated`, "enedis-token-record"), sealed, "token:09100000000001")).rejects.toThrow();
    await expect(openJson(await serverSealingKey(APP_SECRET, "enedis-token-record"), sealed, "token:09100000000002")).rejects.toThrow();
  });

  it("is not extractable", async () => {
    const key = await serverSealingKey(APP_SECRET, "enedis-token-record");
    expect(key.extractable).toBe(false);
  });
});
