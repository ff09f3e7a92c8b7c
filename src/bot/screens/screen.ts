import type { InlineKeyboard } from "grammy";
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import type { ZodType } from "zod";
import { resolveActor } from "../../team/acting.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, menuCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { mainMenuKeyboard } from "../keyboards/index.js";
import { editOrSend } from "./edit.js";
import type { Flow } from "./flow.js";
import { flowTag, stamp, unstamp } from "./stamp.js";

export interface ScreenOptions {
  /** What happens to the flow's message when a view goes below the operator's text: kept without buttons, or deleted. */
  buried?: "keep" | "delete";
}

/** What the operator did on the flow's current screen. Button data comes without its stamp. */
export type ScreenAnswer =
  | { kind: "button"; ctx: FlowContext; data: string }
  | { kind: "text"; ctx: FlowContext; text: string }
  | { kind: "other"; ctx: FlowContext };

/** A screen's content: HTML text and the flow's buttons under it. */
export interface View {
  text: string;
  keyboard?: InlineKeyboard;
}

interface Codec<V> {
  unpack(data: string | undefined): V | undefined;
}

/** A button that leaves the flow's menu: it starts something else only because the operator pressed it. */
function isInterruption(ctx: FlowContext): boolean {
  if (menuCallback.unpack(ctx.callbackQuery?.data) !== undefined) return true;
  return (
    ctx.message?.entities?.some((entity) => entity.type === "bot_command" && entity.offset === 0) ?? false
  );
}

const isCancelCommand = (ctx: FlowContext) => /^\/cancel(@\w+)?(\s|$)/.test(ctx.message?.text ?? "");

/**
 * The one message a flow shows at a time, and the only way a flow waits for the operator. Every button it shows is
 * stamped with the flow's run and step, so a button of another flow, of an earlier run or of a step already left is
 * answered as expired and changes nothing. Cancel, /cancel, other commands and main-menu buttons close the flow here,
 * taking the buttons off its message first. Rebuilt identically on every replay: it only keeps what the flow did.
 */
export class Screen {
  /** The context of the operator's latest answer: the one to translate and reply with. */
  ctx: FlowContext;
  /** The message the screen is shown in; undefined before the first view. */
  messageId: number | undefined;
  readonly chatId: number;
  private readonly tag: string;
  private step = 0;
  /** Locale key of the notice for a button that is not part of the current step; a step may set its own. */
  staleKey = "button-expired";
  /** The current view carries buttons of this flow, to take off when the flow leaves it. */
  private live = false;
  /** Hints sent below the view ("use the buttons"): removed once the flow moves on, so none is left behind. */
  private hints: number[] = [];

  constructor(
    readonly conversation: Flow,
    ctx: FlowContext,
    private readonly options: ScreenOptions = {},
  ) {
    this.ctx = ctx;
    this.chatId = ctx.chat!.id;
    this.tag = flowTag(ctx.update.update_id);
  }

  /**
   * Shows a view: edits the flow's message, or sends a new one when there is none, when it was deleted, or when the
   * operator's own message is now below it (the old one then loses its buttons, or goes, per `buried`).
   */
  async show(text: string, keyboard?: InlineKeyboard): Promise<void> {
    await this.dropHints();
    if (this.messageId === undefined || this.ctx.message !== undefined) {
      await this.send(text, keyboard, this.options.buried ?? "keep");
      return;
    }
    const markup = this.stamped(keyboard);
    this.messageId = await editOrSend(this.ctx.api, this.chatId, this.messageId, text, markup);
  }

  /** Shows a view in a new message at the bottom of the chat; the previous one loses its buttons (or is deleted). */
  async send(text: string, keyboard?: InlineKeyboard, old: "keep" | "delete" = "keep"): Promise<void> {
    await this.dropHints();
    if (old === "delete" && this.messageId !== undefined) {
      await this.ctx.api.deleteMessage(this.chatId, this.messageId).catch(() => undefined);
    } else {
      await this.retire();
    }
    const markup = this.stamped(keyboard);
    this.messageId = (await this.ctx.api.sendMessage(this.chatId, text, markup)).message_id;
  }

  /** Ends the current view: its buttons go, or the whole message becomes a one-line outcome. */
  async close(outcome?: string): Promise<void> {
    if (outcome !== undefined && this.messageId !== undefined) {
      await this.show(outcome);
      return;
    }
    await this.retire();
  }

  /**
   * The next answer meant for this screen: a button of its current view, or a message. Everything else is handled
   * here: stale buttons, Cancel, /cancel, other commands and main-menu buttons.
   */
  async next(): Promise<ScreenAnswer> {
    for (;;) {
      const ctx = await this.conversation.wait();
      if (isCancelCommand(ctx)) await this.cancel(ctx);
      if (isInterruption(ctx)) await this.interrupt(ctx);
      const query = ctx.callbackQuery;
      if (query) {
        const stamped = unstamp(query.data);
        const current =
          stamped?.flow === this.tag &&
          stamped.step === this.step &&
          query.message?.message_id === this.messageId;
        if (!current) {
          await this.refuse(ctx);
          continue;
        }
        if (stamped.data === cancelCallback.pack()) await this.cancel(ctx);
        this.ctx = ctx;
        return { kind: "button", ctx, data: stamped.data };
      }
      if (!ctx.message) continue;
      this.ctx = ctx;
      const text = ctx.message.text;
      return text === undefined ? { kind: "other", ctx } : { kind: "text", ctx, text };
    }
  }

  /**
   * Waits for one of `codec`'s buttons on the current view that `accept` takes, and answers it. Other buttons are
   * refused; typed text is answered with `hintKey` and the view stays.
   */
  async button<V>(
    codec: Codec<V>,
    options: { accept?: (value: V) => boolean; hintKey?: string } = {},
  ): Promise<{ ctx: FlowContext; value: V }> {
    for (;;) {
      const answer = await this.next();
      if (answer.kind !== "button") {
        await this.hint(answer.ctx, options.hintKey ?? "screen-use-buttons");
        continue;
      }
      const value = codec.unpack(answer.data);
      if (value === undefined || !(options.accept?.(value) ?? true)) {
        await this.refuse(answer.ctx);
        continue;
      }
      await acknowledge(answer.ctx);
      return { ctx: answer.ctx, value };
    }
  }

  /**
   * Waits for typed text that `schema` accepts. A refused answer shows `reask` below it: `issue` is the message of the
   * schema's first issue (the flows' schemas use locale keys there).
   */
  async text<T>(
    schema: ZodType<T>,
    reask: (refused: { ctx: FlowContext; issue: string; typed: string }) => View,
    hintKey = "screen-need-text",
  ): Promise<{ ctx: FlowContext; value: T; typed: string }> {
    for (;;) {
      const answer = await this.next();
      if (answer.kind === "button") {
        await this.refuse(answer.ctx);
        continue;
      }
      if (answer.kind === "other") {
        await this.hint(answer.ctx, hintKey);
        continue;
      }
      const parsed = schema.safeParse(answer.text);
      if (parsed.success) return { ctx: answer.ctx, value: parsed.data, typed: answer.text };
      const view = reask({
        ctx: answer.ctx,
        issue: parsed.error.issues[0]?.message ?? "",
        typed: answer.text,
      });
      await this.show(view.text, view.keyboard);
    }
  }

  /** Answers a button that changes nothing here; an old message's buttons are taken off so it stops looking live. */
  async refuse(ctx: FlowContext, key = this.staleKey, alert = false): Promise<void> {
    await acknowledge(ctx, { text: ctx.t(key), ...(alert ? { show_alert: true } : {}) });
    const pressedOn = ctx.callbackQuery?.message?.message_id;
    if (pressedOn !== undefined && pressedOn !== this.messageId) {
      await ctx.api.editMessageReplyMarkup(this.chatId, pressedOn).catch(() => undefined);
    }
  }

  /**
   * Tells the operator how to answer the current view, in a message below it. It replaces the previous hint, and
   * goes when the flow shows its next view, retires this one or ends.
   */
  async hint(ctx: FlowContext, key: string): Promise<void> {
    await this.dropHints();
    this.hints.push((await ctx.reply(ctx.html(key))).message_id);
  }

  private async dropHints(): Promise<void> {
    const hints = this.hints;
    this.hints = [];
    for (const id of hints) await this.ctx.api.deleteMessage(this.chatId, id).catch(() => undefined);
  }

  /** Takes the current view's buttons off (a view without buttons of this flow is left as it is), and any hint. */
  async retire(): Promise<void> {
    await this.dropHints();
    if (!this.live || this.messageId === undefined) return;
    this.live = false;
    await this.ctx.api.editMessageReplyMarkup(this.chatId, this.messageId).catch(() => undefined);
  }

  /** The main menu of the user of this flow, for their role as it is now (read once, replayed after). */
  async mainMenu(ctx: FlowContext = this.ctx): Promise<InlineKeyboard> {
    const { store } = ctx.deps;
    const userId = ctx.from!.id;
    return mainMenuKeyboard(ctx, await this.conversation.external(() => resolveActor(store, userId)));
  }

  /** The Cancel button or /cancel: the flow ends with nothing changed. */
  private async cancel(ctx: FlowContext): Promise<never> {
    if (ctx.callbackQuery) await acknowledge(ctx);
    this.ctx = ctx;
    await this.retire();
    await ctx.reply(ctx.html("cancelled"), { reply_markup: await this.mainMenu(ctx) });
    return this.conversation.halt();
  }

  /** Another command or a main-menu button: the flow closes with a note and the update goes on to start what was asked. */
  private async interrupt(ctx: FlowContext): Promise<never> {
    this.ctx = ctx;
    await this.retire();
    await ctx.reply(ctx.html("flow-interrupted"));
    return this.conversation.halt({ next: true });
  }

  /** Stamps every callback button of this flow with its run and a new step; main-menu buttons stay as they are. */
  private stamped(keyboard: InlineKeyboard | undefined): { reply_markup?: InlineKeyboardMarkup } {
    this.step += 1;
    this.live = false;
    if (!keyboard) return {};
    const stampButton = (button: InlineKeyboardButton): InlineKeyboardButton => {
      if (!("callback_data" in button) || menuCallback.unpack(button.callback_data) !== undefined)
        return button;
      this.live = true;
      return { ...button, callback_data: stamp(this.tag, this.step, button.callback_data) };
    };
    return { reply_markup: { inline_keyboard: keyboard.inline_keyboard.map((row) => row.map(stampButton)) } };
  }
}
