import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, retryCallback } from "../callback-data/index.js";
import { type WelcomeAction, welcomeCallback, welcomeLinkCallback } from "../callback-data/welcome.js";
import type { BotDeps, FlowContext } from "../context.js";
import { type Outcome, outcomeOf } from "../errors.js";
import { editOrSend } from "../format/edit.js";
import { escapeHtml } from "../format/html.js";
import { buttonLabel } from "../format/text.js";
import { mainMenuKeyboard, retryKeyboard } from "../keyboards/index.js";
import { failureText, premiumpayOf } from "../operator.js";
import { type PickedChannel, pickChannel } from "./channel-picker.js";
import type { Flow } from "./types.js";

export const WELCOME = "welcome";

/** Telegram's limit for a message text. */
export const WELCOME_MESSAGE_MAX = 4096;
/** Telegram shows about this much of a button; premiumpay stores it as is. */
export const BUTTON_TEXT_MAX = 64;
const BUTTON_URL_MAX = 2048;
/** Telegram allows 100 buttons per keyboard; the skip and cancel buttons need their rows too. */
const LINK_BUTTONS_MAX = 90;

/** Control characters a Telegram message cannot carry; line breaks and tabs are ordinary text. */
const CONTROL_CHARACTER = /(?![\t\n\r])\p{Cc}/u;
/** `t.me/name` typed without a scheme is still a Telegram link; it is sent as `https://t.me/name`. */
const BARE_TELEGRAM_LINK = /^t\.me\//i;

/*
 * Every issue's message is the locale key that explains it to the operator, so the first issue is the answer.
 */

/** Sent to premiumpay exactly as typed: no trimming, no normalisation. */
export const welcomeMessageSchema = z
  .string()
  .refine((text) => text.trim().length > 0, "welcome-message-empty")
  .refine((text) => text.length <= WELCOME_MESSAGE_MAX, "welcome-message-too-long")
  .refine((text) => !CONTROL_CHARACTER.test(text), "welcome-message-control");

export const buttonTextSchema = z
  .string()
  .trim()
  .min(1, "welcome-button-text-invalid")
  .max(BUTTON_TEXT_MAX, "welcome-button-text-too-long")
  .refine((text) => !/\p{Cc}/u.test(text), "welcome-button-text-invalid");

/** A link members will open: https only (or a t.me link), so no `javascript:`, `http:`, `ftp:` or credentials. */
export const buttonUrlSchema = z
  .string()
  .trim()
  .min(1, "welcome-button-url-invalid")
  .max(BUTTON_URL_MAX, "welcome-button-url-too-long")
  .transform((typed, check) => {
    let url: URL;
    try {
      url = new URL(BARE_TELEGRAM_LINK.test(typed) ? `https://${typed}` : typed);
    } catch {
      check.addIssue({ code: "custom", message: "welcome-button-url-invalid" });
      return z.NEVER;
    }
    if (url.protocol !== "https:") {
      check.addIssue({ code: "custom", message: "welcome-button-url-scheme" });
      return z.NEVER;
    }
    // URL parsing silently drops tabs and line breaks: a link containing them is not what the operator meant.
    if (/[\s\p{Cc}]/u.test(typed) || !url.hostname.includes(".") || url.username || url.password) {
      check.addIssue({ code: "custom", message: "welcome-button-url-invalid" });
      return z.NEVER;
    }
    return url.href;
  });

interface InviteLink {
  name: string;
  url: string;
}

interface WelcomeButton {
  text: string;
  url: string;
}

/** What the operator has chosen so far; JSON-safe like everything a conversation keeps. */
interface WelcomeDraft {
  message: string;
  inviteLink: InviteLink | null;
  button: WelcomeButton | null;
}

/** The flow's current message: steps answered with a button edit it, steps answered by typing move it below. */
interface Screen {
  chatId: number;
  messageId: number;
}

type SendResult = { status: "sent" } | { status: "unknown" } | Extract<Outcome<unknown>, { ok: false }>;

/**
 * Sends the welcome message at most once per action id: a redelivered confirm update (after a crash) finds the
 * recorded result and sends nothing. Runs inside `conversation.external`, so it returns plain data.
 */
async function sendWelcomeOnce(
  deps: BotDeps,
  userId: number,
  actionId: string,
  channelId: number,
  draft: WelcomeDraft,
): Promise<SendResult> {
  const client = await premiumpayOf(deps, userId);
  if (!client) return { ok: false, kind: "auth" };
  const run = await deps.store.runOnce(actionId, userId, () =>
    outcomeOf(() =>
      client
        .setWelcomeMessage({
          channelId,
          message: draft.message,
          ...(draft.inviteLink ? { inviteLink: draft.inviteLink.url } : {}),
          ...(draft.button ? { buttonText: draft.button.text, buttonUrl: draft.button.url } : {}),
        })
        .then(() => null),
    ),
  );
  // "unknown": an earlier attempt started and the bot died before recording how it ended.
  if (run.state === "unknown") return { status: "unknown" };
  return run.result.ok ? { status: "sent" } : run.result;
}

/** Shows a step in the flow's message; if the operator deleted that message, the step is sent anew. */
async function show(ctx: FlowContext, screen: Screen, text: string, keyboard: InlineKeyboard): Promise<void> {
  screen.messageId = await editOrSend(ctx.api, screen.chatId, screen.messageId, text, {
    reply_markup: keyboard,
  });
}

/** After the operator typed something, the next step goes below their message so it stays in view. */
async function showBelow(
  ctx: FlowContext,
  screen: Screen,
  text: string,
  keyboard: InlineKeyboard,
): Promise<void> {
  // The old message's buttons belong to a step that is over; a failure here (already gone) changes nothing.
  await ctx.api.editMessageReplyMarkup(screen.chatId, screen.messageId).catch(() => undefined);
  screen.messageId = (await ctx.reply(text, { reply_markup: keyboard })).message_id;
}

/** A step reached by a button click edits the flow's message; one reached by typing goes below the typed text. */
function present(ctx: FlowContext, screen: Screen, text: string, keyboard: InlineKeyboard): Promise<void> {
  return ctx.message ? showBelow(ctx, screen, text, keyboard) : show(ctx, screen, text, keyboard);
}

function cancelOnly(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("button-cancel"), cancelCallback.pack());
}

type Answer =
  | { ctx: FlowContext; text: string }
  | { ctx: FlowContext; action: WelcomeAction }
  | {
      ctx: FlowContext;
      linkIndex: number;
    };

/**
 * Waits for what this step accepts: typed text (when `accepts.text`) or one of `accepts.actions`. A button of another
 * step, or a forged one, is answered as expired; anything else gets `hintKey` and the step keeps waiting.
 */
async function waitForAnswer(
  conversation: Flow,
  accepts: { text: boolean; actions: readonly WelcomeAction[]; linkCount?: number },
  hintKey: string,
): Promise<Answer> {
  for (;;) {
    const ctx = await conversation.wait();
    const data = ctx.callbackQuery?.data;
    if (data !== undefined) {
      const action = welcomeCallback.unpack(data)?.[0];
      if (action !== undefined && accepts.actions.includes(action)) {
        await acknowledge(ctx);
        return { ctx, action };
      }
      const linkIndex = welcomeLinkCallback.unpack(data)?.[0];
      if (linkIndex !== undefined && linkIndex < (accepts.linkCount ?? 0)) {
        await acknowledge(ctx);
        return { ctx, linkIndex };
      }
      await acknowledge(ctx, { text: ctx.t("button-expired") });
      continue;
    }
    const text = ctx.message?.text;
    if (accepts.text && text !== undefined) return { ctx, text };
    if (ctx.message) await ctx.reply(ctx.html(hintKey));
  }
}

async function askMessage(conversation: Flow, ctx: FlowContext, screen: Screen, channel: PickedChannel) {
  const prompt = ctx.html("welcome-ask-message", { channel: channel.name, max: WELCOME_MESSAGE_MAX });
  await present(ctx, screen, prompt, cancelOnly(ctx));
  for (;;) {
    const answer = await waitForAnswer(conversation, { text: true, actions: [] }, "welcome-need-text");
    if (!("text" in answer)) continue;
    const parsed = welcomeMessageSchema.safeParse(answer.text);
    if (parsed.success) return { ctx: answer.ctx, message: parsed.data };
    const problem = answer.ctx.html(parsed.error.issues[0]?.message ?? "welcome-message-empty", {
      length: answer.text.length,
      max: WELCOME_MESSAGE_MAX,
    });
    await showBelow(answer.ctx, screen, `${problem}\n\n${prompt}`, cancelOnly(answer.ctx));
  }
}

/** Returns the chosen link, or null when skipped or when the channel has none (there is nothing to choose). */
async function askInviteLink(conversation: Flow, ctx: FlowContext, screen: Screen, channel: PickedChannel) {
  const links = channel.links.slice(0, LINK_BUTTONS_MAX);
  if (links.length === 0) return { ctx, inviteLink: null };
  const keyboard = new InlineKeyboard();
  links.forEach((link, index) => {
    keyboard.text(buttonLabel(link.name || link.url), welcomeLinkCallback.pack(index)).row();
  });
  keyboard.text(ctx.t("welcome-skip-link"), welcomeCallback.pack("skip-link")).row();
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  await present(ctx, screen, ctx.html("welcome-ask-link", { channel: channel.name }), keyboard);
  const answer = await waitForAnswer(
    conversation,
    { text: false, actions: ["skip-link"], linkCount: links.length },
    "welcome-need-link",
  );
  const picked = "linkIndex" in answer ? links[answer.linkIndex] : undefined;
  return {
    ctx: answer.ctx,
    inviteLink: picked ? { name: picked.name || picked.url, url: picked.url } : null,
  };
}

/** Returns the button, or null when the operator chose none. */
async function askButton(conversation: Flow, ctx: FlowContext, screen: Screen) {
  const textKeyboard = (at: FlowContext) =>
    new InlineKeyboard()
      .text(at.t("welcome-no-button"), welcomeCallback.pack("skip-button"))
      .row()
      .text(at.t("button-cancel"), cancelCallback.pack());
  const textPrompt = ctx.html("welcome-ask-button-text", { max: BUTTON_TEXT_MAX });
  await present(ctx, screen, textPrompt, textKeyboard(ctx));
  let text: string;
  let current: FlowContext;
  for (;;) {
    const answer = await waitForAnswer(
      conversation,
      { text: true, actions: ["skip-button"] },
      "welcome-need-text",
    );
    if ("action" in answer) return { ctx: answer.ctx, button: null };
    if (!("text" in answer)) continue;
    const parsed = buttonTextSchema.safeParse(answer.text);
    if (parsed.success) {
      text = parsed.data;
      current = answer.ctx;
      break;
    }
    const problem = answer.ctx.html(parsed.error.issues[0]?.message ?? "welcome-button-text-invalid", {
      length: answer.text.trim().length,
      max: BUTTON_TEXT_MAX,
    });
    await showBelow(answer.ctx, screen, `${problem}\n\n${textPrompt}`, textKeyboard(answer.ctx));
  }

  const urlPrompt = current.html("welcome-ask-button-url", { text });
  await showBelow(current, screen, urlPrompt, cancelOnly(current));
  for (;;) {
    const answer = await waitForAnswer(conversation, { text: true, actions: [] }, "welcome-need-text");
    if (!("text" in answer)) continue;
    const parsed = buttonUrlSchema.safeParse(answer.text);
    if (parsed.success) return { ctx: answer.ctx, button: { text, url: parsed.data } };
    const typed = answer.text.trim();
    const problem = answer.ctx.html(parsed.error.issues[0]?.message ?? "welcome-button-url-invalid", {
      url: buttonLabel(typed),
      scheme: /^([a-z][a-z0-9+.-]*):/i.exec(typed)?.[1]?.toLowerCase() ?? "",
      max: BUTTON_URL_MAX,
    });
    await showBelow(answer.ctx, screen, `${problem}\n\n${urlPrompt}`, cancelOnly(answer.ctx));
  }
}

function summaryText(ctx: FlowContext, channel: PickedChannel, draft: WelcomeDraft): string {
  const lines = [
    ctx.html("welcome-summary", { channel: channel.name, length: draft.message.length }),
    draft.inviteLink
      ? ctx.html("welcome-summary-link", { name: draft.inviteLink.name, url: draft.inviteLink.url })
      : ctx.html("welcome-summary-no-link"),
    draft.button
      ? ctx.html("welcome-summary-button", { text: draft.button.text, url: draft.button.url })
      : ctx.html("welcome-summary-no-button"),
  ];
  return lines.join("\n");
}

function summaryKeyboard(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("welcome-confirm"), welcomeCallback.pack("confirm"))
    .text(ctx.t("welcome-edit"), welcomeCallback.pack("edit"))
    .row()
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

function editKeyboard(ctx: FlowContext, channel: PickedChannel): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    ctx.t("welcome-edit-message"),
    welcomeCallback.pack("edit-message"),
  );
  if (channel.links.length > 0) keyboard.text(ctx.t("welcome-edit-link"), welcomeCallback.pack("edit-link"));
  return keyboard
    .text(ctx.t("welcome-edit-button"), welcomeCallback.pack("edit-button"))
    .row()
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/**
 * The welcome message exactly as a joiner receives it: the operator's text shown literally (escaped, since it is
 * plain text to premiumpay) with the URL button under it when there is one.
 */
async function sendPreview(ctx: FlowContext, draft: WelcomeDraft): Promise<number> {
  const markup = draft.button ? new InlineKeyboard().url(draft.button.text, draft.button.url) : undefined;
  const sent = await ctx.reply(escapeHtml(draft.message), markup ? { reply_markup: markup } : {});
  return sent.message_id;
}

/**
 * `/welcome`: channel → message → optional invitation link → optional URL button → preview → Confirm / Edit →
 * `setWelcomeMessage` exactly once → confirmation.
 */
export async function welcomeConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const picked = await pickChannel(conversation, ctx, ctx.html("welcome-title"));
  if (!picked) return;
  const { channel } = picked;
  const screen: Screen = { chatId: ctx.chat!.id, messageId: picked.messageId };

  const written = await askMessage(conversation, picked.ctx, screen, channel);
  const linked = await askInviteLink(conversation, written.ctx, screen, channel);
  const buttoned = await askButton(conversation, linked.ctx, screen);
  const draft: WelcomeDraft = {
    message: written.message,
    inviteLink: linked.inviteLink,
    button: buttoned.button,
  };
  let current = buttoned.ctx;

  for (;;) {
    const previewId = await sendPreview(current, draft);
    await showBelow(current, screen, summaryText(current, channel, draft), summaryKeyboard(current));
    const decision = await waitForAnswer(
      conversation,
      { text: false, actions: ["confirm", "edit"] },
      "welcome-need-choice",
    );
    current = decision.ctx;
    if ("action" in decision && decision.action === "confirm") break;

    // The preview no longer matches what is being edited; a new one follows the change.
    await current.api.deleteMessage(screen.chatId, previewId).catch(() => undefined);
    await show(current, screen, current.html("welcome-edit-choose"), editKeyboard(current, channel));
    const choice = await waitForAnswer(
      conversation,
      { text: false, actions: ["edit-message", "edit-link", "edit-button"] },
      "welcome-need-choice",
    );
    if (!("action" in choice)) continue;
    if (choice.action === "edit-message") {
      const edited = await askMessage(conversation, choice.ctx, screen, channel);
      draft.message = edited.message;
      current = edited.ctx;
    } else if (choice.action === "edit-link") {
      const edited = await askInviteLink(conversation, choice.ctx, screen, channel);
      draft.inviteLink = edited.inviteLink;
      current = edited.ctx;
    } else {
      const edited = await askButton(conversation, choice.ctx, screen);
      draft.button = edited.button;
      current = edited.ctx;
    }
  }

  // Each confirming click (the first one, then each retry) is one action: its redelivery sends nothing more.
  let actionId = `welcome:${current.callbackQuery!.id}`;
  for (;;) {
    await show(current, screen, current.html("welcome-sending"), new InlineKeyboard());
    const id = actionId;
    const result = await conversation.external(() => sendWelcomeOnce(deps, userId, id, channel.id, draft));
    if ("status" in result && result.status === "sent") {
      await show(
        current,
        screen,
        current.html("welcome-saved", { channel: channel.name }),
        mainMenuKeyboard(current),
      );
      return;
    }
    if ("kind" in result && result.kind === "auth") {
      // Retrying cannot help until the operator logs in again, which the message tells them to do.
      await show(current, screen, failureText(current, result), new InlineKeyboard());
      return;
    }
    const problem = "kind" in result ? failureText(current, result) : current.html("welcome-outcome-unknown");
    // No answer, or one we cannot read, does not prove that premiumpay did not save it (a late answer often did).
    const refused = "kind" in result && result.kind !== "unavailable" && result.kind !== "bad_response";
    await show(
      current,
      screen,
      `${problem}\n${current.html(refused ? "welcome-not-saved" : "welcome-not-confirmed")}`,
      retryKeyboard(current, "welcome"),
    );
    const retry = await conversation.waitForCallbackQuery(retryCallback.pattern, {
      otherwise: (other) =>
        other.callbackQuery
          ? acknowledge(other, { text: other.t("button-expired") })
          : other.reply(other.html("welcome-need-choice")),
    });
    await acknowledge(retry);
    current = retry;
    actionId = `welcome:${retry.callbackQuery.id}`;
  }
}
