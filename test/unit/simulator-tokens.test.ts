import { describe, expect, it } from "vitest";
import { addIsoDuration, checkAuthorizeQuery } from "../../src/simulator/authorize-params";
import { issueToken, TOKEN_LIFETIME_S, verifyToken } from "../../src/simulator/tokens";

const SECRET = "unit-test-app-secret-0123456789abcdef";

describe("simulator access tokens", () => {
  it("verify when issued by this secret to this client, until they expire", async () => {
    const now = Date.UTC(2026, 9, 1);
    const t = await issueToken(SECRET, "client-a", now);
    expect(await verifyToken(SECRET, "client-a", t.accessToken, now + 1000)).toEqual({ tokenId: t.tokenId, expiresAtMs: now + TOKEN_LIFETIME_S * 1000 });
    expect(await verifyToken(SECRET, "client-a", t.accessToken, now + TOKEN_LIFETIME_S * 1000)).toBeUndefined();
    expect(await verifyToken(SECRET, "client-b", t.accessToken, now)).toBeUndefined();
    expect(await verifyToken(`${SECRET}-other`, "client-a", t.accessToken, now)).toBeUndefined();
  });

  it("reject tampering and garbage", async () => {
    const now = Date.UTC(2026, 9, 1);
    const t = await issueToken(SECRET, "client-a", now);
    const [, id, mac] = t.accessToken.split(".");
    const later = btoa(String(now + 10 * TOKEN_LIFETIME_S * 1000)).replace(/=+$/, "");
    expect(await verifyToken(SECRET, "client-a", `${later}.${id}.${mac}`, now)).toBeUndefined();
    for (const junk of ["", "a.b", "a.b.c", "!!!.x.y", t.accessToken + "x"]) expect(await verifyToken(SECRET, "client-a", junk, now)).toBeUndefined();
    const other = await issueToken(SECRET, "client-a", now);
    expect(other.accessToken).not.toBe(t.accessToken);
  });
});

describe("consent page parameters", () => {
  const now = new Date(Date.UTC(2026, 9, 1));
  const base = { client_id: "app", response_type: "code", duration: "P3Y", state: "s" };

  it("accept durations up to three years, in any ISO 8601 form", () => {
    for (const duration of ["P3Y", "P36M", "P1D", "P1Y6M", "PT1H", "P2Y11M30D"]) {
      expect(checkAuthorizeQuery({ ...base, duration }, "app", now).ok).toBe(true);
    }
    expect(addIsoDuration(now, "P1Y2M3DT4H")!.toISOString()).toBe("2027-12-04T04:00:00.000Z");
  });

  it("refuse longer or malformed durations, a wrong client, response type or state", () => {
    for (const duration of ["P37M", "P3Y1D", "P4Y", "P", "3Y", "P0D"]) expect(checkAuthorizeQuery({ ...base, duration }, "app", now).ok).toBe(false);
    expect(checkAuthorizeQuery({ ...base, client_id: "other" }, "app", now).ok).toBe(false);
    expect(checkAuthorizeQuery({ ...base, response_type: "token" }, "app", now).ok).toBe(false);
    expect(checkAuthorizeQuery({ ...base, state: "" }, "app", now).ok).toBe(false);
    expect(checkAuthorizeQuery({ ...base, state: "x".repeat(101) }, "app", now).ok).toBe(false);
    expect(checkAuthorizeQuery({ ...base, state: "x".repeat(100) }, "app", now).ok).toBe(true);
  });
});
