import { z } from "zod";

const MAX_CALLBACK_BYTES = 64;

/**
 * `<flow>.<step>|<data>`: which run of a flow (base 36 of the update that started it) and which of its screens a
 * button belongs to. Old-format data (from a release without stamps) does not parse, so it reads as expired.
 */
const stampedSchema = z.string().regex(/^([0-9a-z]{1,8})\.([0-9a-z]{1,4})\|(.+)$/);

export interface Stamp {
  flow: string;
  step: number;
  data: string;
}

export function stamp(flow: string, step: number, data: string): string {
  const stamped = `${flow}.${step.toString(36)}|${data}`;
  if (Buffer.byteLength(stamped, "utf8") > MAX_CALLBACK_BYTES) {
    throw new Error(`stamped callback data "${data}" is over ${MAX_CALLBACK_BYTES} bytes`);
  }
  return stamped;
}

export function unstamp(data: string | undefined): Stamp | undefined {
  const parsed = stampedSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const [, flow, step, rest] = /^([^.]+)\.([^|]+)\|(.+)$/.exec(parsed.data)!;
  return { flow: flow!, step: Number.parseInt(step!, 36), data: rest! };
}

/** The short id of one run of a flow: the update that started it, unique within the bot. */
export function flowTag(updateId: number): string {
  return updateId.toString(36);
}
