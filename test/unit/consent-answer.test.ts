import { describe, expect, it } from "vitest";
import { CallbackQuery, readConsentAnswer } from "../../src/consent/answer";

const STATE = "user.nonce.mac";
const read = (query: Record<string, string>, version: "v1" | "v2") => {
  const parsed = CallbackQuery.safeParse({ state: STATE, ...query });
  return parsed.success ? readConsentAnswer(parsed.data, version) : { outcome: "unparsable" };
};

describe("the callback takes only the configured generation's answer (ENEDIS_AUTHORIZE_VERSION)", () => {
  it.each<[string, Record<string, string>, unknown]>([
    ["its own answer", { autorisation_id: "123456789012" }, { answer: { version: "v2", autorisationId: "123456789012" } }],
    ["its own answer, with a code beside it", { autorisation_id: "42", code: "x" }, { answer: { version: "v2", autorisationId: "42" } }],
    ["a v1-shaped answer", { code: "abc", usage_point_id: "09100000000001" }, { outcome: "malformed" }],
    ["a v1 id slipped beside a real autorisation_id", { autorisation_id: "42", usage_point_id: "09100000000001" }, { outcome: "malformed" }],
    ["no autorisation_id", { code: "abc" }, { outcome: "malformed" }],
    ["a refusal", { error: "access_denied" }, { outcome: "refused" }],
    ["an Enedis error other than a refusal", { error: "server_error" }, { outcome: "enedis" }],
    ["invalid_request from Enedis", { error: "invalid_request", autorisation_id: "42" }, { outcome: "enedis" }],
  ])("v2 gateway, %s", (_what, query, expected) => {
    expect(read(query, "v2")).toEqual(expected);
  });

  it.each<[string, Record<string, string>, unknown]>([
    ["its own answer", { code: "abc", usage_point_id: "09100000000001,09100000000002" }, { answer: { version: "v1", usagePointIds: ["09100000000001", "09100000000002"] } }],
    ["ids separated by ;", { code: "abc", usage_point_id: "09100000000001;09100000000002" }, { answer: { version: "v1", usagePointIds: ["09100000000001", "09100000000002"] } }],
    ["a v2 answer", { autorisation_id: "123456789012" }, { outcome: "malformed" }],
    ["a v2 answer beside v1 fields", { autorisation_id: "42", code: "abc", usage_point_id: "09100000000001" }, { outcome: "malformed" }],
    ["ids without code", { usage_point_id: "09100000000001" }, { outcome: "malformed" }],
    ["a code without ids", { code: "abc" }, { outcome: "malformed" }],
    ["a refusal", { error: "access_denied" }, { outcome: "refused" }],
    ["an Enedis error other than a refusal", { error: "temporarily_unavailable" }, { outcome: "enedis" }],
  ])("v1 gateway, %s", (_what, query, expected) => {
    expect(read(query, "v1")).toEqual(expected);
  });

  it.each([
    ["a usage point id that is not 14 digits", { code: "abc", usage_point_id: "0910000000000" }],
    ["an autorisation_id that is not an integer", { autorisation_id: "12; DROP" }],
    ["an autorisation_id longer than an int64", { autorisation_id: "1".repeat(19) }],
  ])("the query itself refuses %s", (_what, query) => {
    expect(CallbackQuery.safeParse({ state: STATE, ...query }).success).toBe(false);
  });
});
