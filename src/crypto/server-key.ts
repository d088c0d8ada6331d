import { utf8 } from "./encoding";

const derived = new Map<string, Promise<CryptoKey>>();

/**
 * A key the server derives from APP_SECRET for one purpose (HKDF-SHA-256, zero salt, `info` naming the purpose), kept
 * per isolate. Each purpose has its own label, so a key made for one use (sealing the Enedis token, peppering password
 * verifiers, signing Conso tokens) is useless for another. Never used for a household's cache: that is the data key's.
 */
export function deriveServerKey(appSecret: string, info: string, algorithm: SubtleCryptoImportKeyAlgorithm, usages: string[]): Promise<CryptoKey> {
  const id = `${info}\u0000${usages.join(",")}\u0000${appSecret}`;
  let key = derived.get(id);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", utf8(appSecret), "HKDF", false, ["deriveKey"])
      .then((base) => crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8(info) }, base, algorithm, false, usages));
    derived.set(id, key);
  }
  return key;
}
