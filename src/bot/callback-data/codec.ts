import { z } from "zod";

const MAX_CALLBACK_BYTES = 64;
const SEPARATOR = ":";

type Parts = readonly z.ZodType[];
type Inputs<T extends Parts> = { [K in keyof T]: string | number };
type Outputs<T extends Parts> = { [K in keyof T]: T[K] extends z.ZodType ? z.output<T[K]> : never };

export interface CallbackCodec<T extends Parts> {
  /** Matches this codec's payloads, for `bot.callbackQuery(codec.pattern, ...)` and `waitForCallbackQuery`. */
  readonly pattern: RegExp;
  pack(...values: Inputs<T>): string;
  /** `undefined` for anything forged, stale or from another version: callers treat it as a refused button. */
  unpack(data: string | undefined): Outputs<T> | undefined;
}

/**
 * Short, versioned, validated callback payloads: `prefix:v1:v2`. The prefix carries the version (e.g. `lk1`),
 * so buttons from an older release are refused instead of misread. Written by hand because the payload must be
 * validated with zod and fit Telegram's 64-byte limit, which no maintained plugin does for us.
 */
export function defineCallback<const T extends Parts>(prefix: string, ...parts: T): CallbackCodec<T> {
  if (!/^[a-z][a-z0-9]*$/i.test(prefix)) throw new Error(`callback prefix "${prefix}" must be alphanumeric`);
  const schema = z.tuple(parts as unknown as [z.ZodType, ...z.ZodType[]]);
  const pattern = new RegExp(`^${prefix}(?:${SEPARATOR}|$)`);
  return {
    pattern,
    pack(...values) {
      const encoded = values.map((value) => String(value));
      if (encoded.some((value) => value.includes(SEPARATOR))) {
        throw new Error(`callback value for "${prefix}" contains "${SEPARATOR}"`);
      }
      const data = [prefix, ...encoded].join(SEPARATOR);
      if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) {
        throw new Error(`callback data for "${prefix}" is over ${MAX_CALLBACK_BYTES} bytes`);
      }
      return data;
    },
    unpack(data) {
      if (data === undefined || !pattern.test(data)) return undefined;
      const [, ...raw] = data.split(SEPARATOR);
      if (raw.length !== parts.length) return undefined;
      const parsed = schema.safeParse(raw);
      return parsed.success ? (parsed.data as Outputs<T>) : undefined;
    },
  };
}

/** Reusable part schemas: callback data arrives as strings. */
export const cbInt = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);
export const cbWord = z.string().regex(/^[a-z0-9_-]{1,24}$/i);
export const cbEnum = <const V extends readonly [string, ...string[]]>(values: V) => z.enum(values);
