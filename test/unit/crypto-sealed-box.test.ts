import { describe, expect, it } from "vitest";
import { generateDataKey } from "../../src/crypto/data-key";
import { openJson, sealJson } from "../../src/crypto/seal";
import {
  exportPrivateKey,
  exportPublicKey,
  generateAccountKeyPair,
  importPrivateKey,
  importPublicKey,
  isSealedToPublicKey,
  openWithPrivateKey,
  sealToPublicKey,
} from "../../src/crypto/sealed-box";

const AAD = "cache|user-1|09100000000001|consumption_daily|2026-12-01";
const VALUE = { quality: "BRUT", readings: [{ value: "12345", date: "2026-12-01" }] };

async function recipient() {
  const pair = await generateAccountKeyPair();
  const publicRaw = await exportPublicKey(pair.publicKey);
  // what the account keeps: the public key raw, the private key as PKCS#8 (sealed under the data key in D1)
  const privateKey = await importPrivateKey(await exportPrivateKey(pair.privateKey));
  return { publicKey: await importPublicKey(publicRaw), privateKey, publicRaw };
}

describe("sealed box (public-key sealing, HPKE's shape)", () => {
  it("opens with the private key what was sealed to the public key", async () => {
    const r = await recipient();
    const sealed = await sealToPublicKey(r.publicKey, VALUE, AAD);
    expect(isSealedToPublicKey(sealed)).toBe(true);
    expect(sealed).not.toContain("12345");
    expect(await openWithPrivateKey(r, sealed, AAD)).toEqual(VALUE);
  });

  it("uses a fresh ephemeral key and IV per entry", async () => {
    const r = await recipient();
    const a = (await sealToPublicKey(r.publicKey, VALUE, AAD)).split(".");
    const b = (await sealToPublicKey(r.publicKey, VALUE, AAD)).split(".");
    expect(a[1]).not.toBe(b[1]);
    expect(a[2]).not.toBe(b[2]);
    expect(a[3]).not.toBe(b[3]);
  });

  it("fails with another account's key, another slot, or any tampering", async () => {
    const [r, other] = [await recipient(), await recipient()];
    const sealed = await sealToPublicKey(r.publicKey, VALUE, AAD);
    await expect(openWithPrivateKey(other, sealed, AAD)).rejects.toThrow();
    await expect(openWithPrivateKey(r, sealed, AAD.replace("2026-12-01", "2026-12-02"))).rejects.toThrow();
    const parts = sealed.split(".");
    const flipped = parts[3].slice(0, -2) + (parts[3].endsWith("AA") ? "BA" : "AA");
    await expect(openWithPrivateKey(r, [parts[0], parts[1], parts[2], flipped].join("."), AAD)).rejects.toThrow();
    await expect(openWithPrivateKey(r, sealed.replace(/^p1/, "p2"), AAD)).rejects.toThrow();
  });

  it("keeps both entry kinds apart: data-key entries are not public-key entries, and each opens only its way", async () => {
    const r = await recipient();
    const dataKey = await generateDataKey();
    const byDataKey = await sealJson(dataKey, VALUE, AAD);
    const byPublicKey = await sealToPublicKey(r.publicKey, VALUE, AAD);
    expect(isSealedToPublicKey(byDataKey)).toBe(false);
    expect(await openJson(dataKey, byDataKey, AAD)).toEqual(VALUE);
    await expect(openJson(dataKey, byPublicKey, AAD)).rejects.toThrow();
    await expect(openWithPrivateKey(r, byDataKey, AAD)).rejects.toThrow();
  });
});
