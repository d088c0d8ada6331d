import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
// PLACEHOLDER — replaced by the simulator implementation.
export class SimulatorThrottle extends DurableObject<Env> {}
