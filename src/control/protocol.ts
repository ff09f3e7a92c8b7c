import { z } from "zod";

/** The control channel's socket, in the data folder: only a process of the bot's user can reach it. */
export const CONTROL_SOCKET = "control.sock";
/** A request is one short JSON line; anything longer is not ours. */
export const MAX_REQUEST_BYTES = 4096;

const count = z.number().int().min(0);

/** What the running bot can be asked to do, one request per connection. */
export const controlRequestSchema = z.discriminatedUnion("command", [
  z.strictObject({
    command: z.literal("digest-now"),
    userId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  }),
]);
export type ControlRequest = z.infer<typeof controlRequestSchema>;
export type ControlCommand = ControlRequest["command"];
export type RequestOf<C extends ControlCommand> = Extract<ControlRequest, { command: C }>;

/** The result of each command, checked by the client. */
export const controlResultSchemas = {
  "digest-now": z.strictObject({ sent: count, loginAgain: count, blocked: count, failed: count }),
} satisfies Record<ControlCommand, z.ZodType>;
export type ResultOf<C extends ControlCommand> = z.infer<(typeof controlResultSchemas)[C]>;

/** One JSON line back, then the bot closes the connection. `pid` is the bot's, for the operator. */
export const controlAnswerSchema = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true), pid: z.number().int().positive(), result: z.unknown() }),
  z.strictObject({ ok: z.literal(false), pid: z.number().int().positive(), error: z.string().max(1000) }),
]);
export type ControlAnswer = z.infer<typeof controlAnswerSchema>;

export type ControlHandlers = {
  [C in ControlCommand]: (request: RequestOf<C>) => Promise<ResultOf<C>>;
};
