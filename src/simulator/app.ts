import { Hono } from "hono";
import type { Env } from "../env";
// PLACEHOLDER — replaced by the simulator implementation.
export const simulatorApp = new Hono<{ Bindings: Env }>();
