import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
// PLACEHOLDER — replaced by the limits implementation.
export class AccountGate extends DurableObject<Env> {}
