import { drizzle } from "drizzle-orm/d1";
import type { Env } from "../env";
import * as schema from "./schema";

/** drizzle over the D1 binding: every query is parameterized (SECURITY.md property 6). Cheap to build per request. */
export const db = (env: Env) => drizzle(env.DB, { schema });
export type Db = ReturnType<typeof db>;
