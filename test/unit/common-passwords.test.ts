import { describe, expect, it } from "vitest";
import { COMMON_PASSWORDS_TEXT } from "../../src/accounts/common-passwords-list";
import { isCommonPassword } from "../../src/accounts/common-passwords";
import { PasswordSchema } from "../../src/accounts/schemas";

/** SECURITY.md 1: the 10 000 most common passwords are refused (SecLists top 10 000, bundled in the worker). */
describe("common passwords", () => {
  it("bundles the whole list: 10 000 entries, none empty", () => {
    const entries = COMMON_PASSWORDS_TEXT.split("\n");
    expect(entries).toHaveLength(10_000);
    expect(entries.every((p) => p.length > 0)).toBe(true);
    // first and last of the alphabetized source, and a few well-known ones
    expect(entries[0]).toBe("*****");
    expect(entries.at(-1)).toBe("zzzzzzzz");
  });

  it("every entry of the list is refused, in any letter case", () => {
    const refused = (p: string) => isCommonPassword(p) && isCommonPassword(p.toUpperCase()) && isCommonPassword(p.toLowerCase());
    expect(COMMON_PASSWORDS_TEXT.split("\n").filter((p) => !refused(p))).toEqual([]);
  });

  it("matches whole passwords, case-insensitively, and nothing else", () => {
    for (const p of ["password", "PASSWORD", "PassWord", "azertyuiop", "AZERTYUIOP", "1234567890", "iloveyou", "football1"]) expect(isCommonPassword(p), p).toBe(true);
    for (const p of ["correct horse battery", "password!x9Zq", " password", "password ", "azertyuiop-maison-2026", ""]) expect(isCommonPassword(p), p).toBe(false);
  });

  it("the password rule (signup, change, recovery) refuses them with a French message", () => {
    for (const p of ["password", "Password1", "QWERTYUIOP", "azertyuiop", "12345678"]) {
      const r = PasswordSchema.safeParse(p);
      expect(r.success, p).toBe(false);
      expect(r.error!.issues[0].message, p).toMatch(/plus courants/);
    }
    expect(PasswordSchema.safeParse("correct horse battery").success).toBe(true);
  });
});
