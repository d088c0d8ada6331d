import { describe, expect, it } from "vitest";
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "../../src/crypto/encoding";
import { signConsoJwt, verifyConsoJwt } from "../../src/conso/jwt";

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
    expect(await verifyConsoJwt(SECRET, a.token, NOW + 10)).toEqual(a.claims);
  });

  it("refuses an expired token, one signed with another key, a changed payload, alg none and garbage", async () => {
    const { token } = await signConsoJwt(SECRET, PRMS, NOW, 3600);
    const [h, , s] = token.split(".");
    expect(await verifyConsoJwt(SECRET, token, NOW + 3600)).toBeNull();
    expect(await verifyConsoJwt("another-secret-0123456789abcdef0123", token, NOW)).toBeNull();
    const widened = `${h}.${b64json({ sub: [...PRMS, "09300000000001"], iat: NOW, exp: NOW + 3600, jti: "x" })}.${s}`;
    expect(await verifyConsoJwt(SECRET, widened, NOW)).toBeNull();
    const none = `${b64json({ alg: "none", typ: "JWT" })}.${b64json({ sub: PRMS, iat: NOW, exp: NOW + 3600, jti: "x" })}.`;
    expect(await verifyConsoJwt(SECRET, none, NOW)).toBeNull();
    for (const junk of ["", "a.b", "a.b.c", "not a token", `${token}.x`, "x".repeat(5000)]) expect(await verifyConsoJwt(SECRET, junk, NOW)).toBeNull();
  });
});
