import { describe, expect, it } from "vitest";
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { deriveServerKey } from "../../src/crypto/server-key";
import { readConsoJwt, signConsoJwt } from "../../src/conso/jwt";

const SECRET = "unit-test-app-secret-0123456789abcdef";
const NOW = 1_800_000_000;
const PRMS = ["09100000000001", "09200000000002"];
const part = (token: string, i: number) => JSON.parse(fromUtf8(fromBase64Url(token.split(".")[i])));
const b64json = (value: unknown) => toBase64Url(utf8(JSON.stringify(value)));

describe("conso token JWT (HS256)", () => {
  it("carries sub as an array of PRMs, iat, exp and a random jti", async () => {
    const a = await signConsoJwt(SECRET, PRMS, NOW, 3600);
    const b = await signConsoJwt(SECRET, PRMS, NOW, 3600);
    expect(part(a.token, 0)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(part(a.token, 1)).toEqual({ sub: PRMS, iat: NOW, exp: NOW + 3600, jti: a.claims.jti });
    expect(a.claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b.claims.jti).not.toBe(a.claims.jti);
    expect(readConsoJwt(a.token, NOW + 10)).toEqual(a.claims);
  });

  it("is signed HS256 under the key derived from APP_SECRET with its own label (clients may check it)", async () => {
    const { token } = await signConsoJwt(SECRET, PRMS, NOW, 3600);
    const [h, p, s] = token.split(".");
    const key = await deriveServerKey(SECRET, "linky-gateway/conso-jwt/v1", { name: "HMAC", hash: "SHA-256", length: 256 }, ["verify"]);
    expect(await crypto.subtle.verify("HMAC", key, fromBase64Url(s), utf8(`${h}.${p}`))).toBe(true);
    const other = await deriveServerKey(`${SECRET}-other`, "linky-gateway/conso-jwt/v1", { name: "HMAC", hash: "SHA-256", length: 256 }, ["verify"]);
    expect(await crypto.subtle.verify("HMAC", other, fromBase64Url(s), utf8(`${h}.${p}`))).toBe(false);
  });

  // A changed payload or a foreign signature reads fine here: the token's record refuses it (conso-tokens.test.ts).
  it("reads nothing from an expired token, alg none, a sub that is not an array of PRMs, or garbage", async () => {
    const { token } = await signConsoJwt(SECRET, PRMS, NOW, 3600);
    const [h, , s] = token.split(".");
    expect(readConsoJwt(token, NOW + 3600)).toBeNull();
    const none = `${b64json({ alg: "none", typ: "JWT" })}.${b64json({ sub: PRMS, iat: NOW, exp: NOW + 3600, jti: "x" })}.`;
    expect(readConsoJwt(none, NOW)).toBeNull();
    expect(readConsoJwt(`${h}.${b64json({ sub: "09100000000001", iat: NOW, exp: NOW + 3600, jti: "x" })}.${s}`, NOW)).toBeNull();
    for (const junk of ["", "a.b", "a.b.c", "not a token", `${token}.x`, "x".repeat(5000)]) expect(readConsoJwt(junk, NOW)).toBeNull();
  });
});
