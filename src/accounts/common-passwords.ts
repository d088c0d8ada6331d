import { COMMON_PASSWORDS_TEXT } from "./common-passwords-list";

/**
 * Refuses the 10 000 most common passwords (SECURITY.md 1) at signup, password change and recovery.
 * Case-insensitive: "Password1" is as guessable as "password1". Built once per isolate, on first use.
 */
let common: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(COMMON_PASSWORDS_TEXT.split("\n").map((p) => p.toLowerCase()));
  return common.has(password.toLowerCase());
}

export const COMMON_PASSWORD_MESSAGE = "Ce mot de passe fait partie des plus courants : choisissez-en un autre, plus difficile à deviner.";
