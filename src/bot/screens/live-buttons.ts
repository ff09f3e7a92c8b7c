import type { Api } from "grammy";
import { z } from "zod";
import { unstamp } from "./stamp.js";

/** What of the conversations plugin's stored state is read here: each flow's replay log (see its ReplayState). */
const storedFlowsSchema = z.object({
  state: z.record(
    z.string(),
    z.array(
      z.object({
        replay: z.object({
          receive: z.array(z.object({ returnValue: z.unknown() })),
        }),
      }),
    ),
  ),
});

/** A Bot API call's logged response that is a message: its id, and its inline keyboard as it is now. */
const messageResultSchema = z.object({
  ok: z.literal(true),
  res: z.object({
    ok: z.literal(true),
    result: z.object({
      message_id: z.number(),
      reply_markup: z
        .object({ inline_keyboard: z.array(z.array(z.object({ callback_data: z.string().optional() }))) })
        .optional(),
    }),
  }),
});

/**
 * The messages a stored flow left showing its buttons. Every Bot API call a flow makes is logged with its result
 * in the plugin's replay log, in order; the last result for a message tells whether it still carries buttons
 * stamped by a screen. Main-menu buttons are not stamped: a menu left under a note stays usable.
 */
export function messagesWithLiveButtons(stored: unknown): number[] {
  const parsed = storedFlowsSchema.safeParse(stored);
  if (!parsed.success) return [];
  const live = new Map<number, boolean>();
  for (const flows of Object.values(parsed.data.state)) {
    for (const flow of flows) {
      for (const { returnValue } of flow.replay.receive) {
        const message = messageResultSchema.safeParse(returnValue);
        if (!message.success) continue;
        const { result } = message.data.res;
        const buttons = result.reply_markup?.inline_keyboard.flat() ?? [];
        live.set(
          result.message_id,
          buttons.some((button) => unstamp(button.callback_data) !== undefined),
        );
      }
    }
  }
  return [...live].filter(([, hasButtons]) => hasButtons).map(([messageId]) => messageId);
}

/**
 * Takes the buttons off the messages a flow closed outside any update of its own (expired, or stored by an older
 * release) left looking usable. A message already gone or changed is left as it is.
 */
export async function removeLiveButtons(api: Api, chatId: number, stored: unknown): Promise<void> {
  for (const messageId of messagesWithLiveButtons(stored)) {
    await api.editMessageReplyMarkup(chatId, messageId).catch(() => undefined);
  }
}
