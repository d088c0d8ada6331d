/**
 * What the gateway keeps per PDL at consent time (D1), read from a v5-shaped contract answer —
 * whichever generation produced it (convert.ts writes 2026 contracts in that shape).
 *
 * Consumption vs production, per generation:
 * - 2026: each contract of `situation_contrat_auto` is classified by type and segment (GRD-F / C5 =
 *   withdrawal, GRD-A / P4 = injection); a self-consumer has both, the injection one in `other_contracts`;
 * - v5: one `contracts` object: segment C1–C5 or contract type CARD-S = consumption, segment P1–P4 or
 *   CARD-I / CRAE = production. v5 does not list a self-consumer's injection contract here, so a v5-only
 *   self-consumer reads as consumption only until its production series answers.
 * A contract we cannot classify counts as consumption (every Linky household draws power).
 */
import { z } from "zod";
import { pricingOptionOf, type PricingOption } from "../pdl/public-fields";
import { isInjectionContract, isWithdrawalContract } from "./convert";

const V5Contract = z.object({
  segment: z.string().optional(),
  contract_type: z.string().optional(),
  subscribed_power: z.string().optional(),
  offpeak_hours: z.string().optional(),
  distribution_tariff: z.string().optional(),
  last_activation_date: z.string().optional(),
});
const V5ContractAnswer = z.object({
  customer: z.object({
    usage_points: z
      .array(
        z.object({
          contracts: V5Contract.optional(),
          other_contracts: z.array(V5Contract).optional(),
        }),
      )
      .default([]),
  }),
});

export interface ContractSummary {
  subscribedPower: string | null;
  offpeakHours: string | null;
  hasConsumption: boolean;
  hasProduction: boolean;
  /** YYYY-MM-DD the meter was activated (v5 writes "2013-08-14+01:00"): reads never ask Enedis for days before it. */
  activationDate: string | null;
  /**
   * BASE / HC_HP from the distribution tariff and off-peak hours (MyElectricalData's `pricing_option`), or null.
   * Optional: a summary made without a contract (Enedis unavailable at consent) simply has none.
   */
  pricingOption?: PricingOption | null;
}

export function contractSummary(v5Contract: unknown): ContractSummary {
  const parsed = V5ContractAnswer.safeParse(v5Contract);
  const entries = parsed.success ? parsed.data.customer.usage_points : [];
  const contracts = entries.flatMap((e) => [...(e.contracts ? [e.contracts] : []), ...(e.other_contracts ?? [])]);
  const withdrawal = contracts.find(isWithdrawalContract);
  const injection = contracts.find((c) => !isWithdrawalContract(c) && isInjectionContract(c));
  const unclassified = contracts.some((c) => !isWithdrawalContract(c) && !isInjectionContract(c));
  const main = withdrawal ?? contracts.find((c) => c.subscribed_power) ?? contracts[0];
  return {
    subscribedPower: main?.subscribed_power?.trim() || null,
    offpeakHours: main?.offpeak_hours?.trim() || null,
    hasConsumption: Boolean(withdrawal) || unclassified || contracts.length === 0,
    hasProduction: Boolean(injection),
    activationDate: activationDay(main?.last_activation_date),
    pricingOption: pricingOptionOf(main?.distribution_tariff, main?.offpeak_hours),
  };
}

const activationDay = (value: string | undefined) => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null);
