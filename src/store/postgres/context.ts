import type pg from "pg";
import type { KeyRing } from "../crypto.js";

/** What every part of the PostgreSQL store shares: the pool its statements run on and the clock. */
export interface PostgresContext {
  pool: pg.Pool;
  now: () => Date;
}

/** For the parts that seal or open secrets (tokens, flows): the key ring too. */
export interface SealingContext extends PostgresContext {
  ring: KeyRing;
}
