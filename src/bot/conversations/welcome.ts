import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { escapeHtml } from "../../format/html.js";
import { buttonLabel } from "../../format/text.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, retryCallback } from "../callback-data/index.js";
import { type WelcomeAction, welcomeCallback, welcomeLinkCallback } from "../callback-data/welcome.js";
import type { BotDeps, FlowContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { cancelKeyboard, retryKeyboard } from "../keyboards/index.js";
import { confirmOnce, failureText } from "../operator.js";
import { type PickedChannel, pickChannel, type Screen } from "../screens/index.js";

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

type SendResult = { status: "sent" } | { status: "unknown" } | Extract<Outcome<unknown>, { ok: false }>;

/**
 * Sends the welcome message at most once per action id: a redelivered confirm update (after a crash) finds the
 * recorded result and sends nothing. Runs inside `conversation.external`, so it returns plain data.
 */
async function sendWelcomeOnce(
  deps: BotDeps,
  userId: number,
  actionId: string,
  channel: { id: number; name: string },
  draft: WelcomeDraft,
): Promise<SendResult> {
  const channelId = channel.id;
  const run = await confirmOnce(
    deps,
    userId,
    actionId,
    "publish",
    (client) =>
      client
        .setWelcomeMessage({
          channelId,
          message: draft.message,
          ...(draft.inviteLink ? { inviteLink: draft.inviteLink.url } : {}),
          ...(draft.button ? { buttonText: draft.button.text, buttonUrl: draft.button.url } : {}),
        })
        .then(() => null),
    () => ({
      action: "welcome_set",
      // Not the message itself: what the members read is the channel's business, the log says that it changed.
      details: {
        channelId,
        channelName: channel.name,
        messageLength: draft.message.length,
        withButton: draft.button !== null,
      },
    }),
  );
  // "unknown": an earlier attempt started and the bot died before recording how it ended.
  if (run.state === "unknown") return { status: "unknown" };
  return run.outcome.ok ? { status: "sent" } : run.outcome;
}

type Answer =
  | { ctx: FlowContext; text: string }
  | { ctx: FlowContext; action: WelcomeAction }
  | { ctx: FlowContext; linkIndex: number };

/**
 * Waits for what this step accepts: typed text (when `accepts.text`) or one of `accepts.actions`. Any other button
 * is refused by the screen; anything else gets `hintKey` and the step keeps waiting.
 */
async function waitForAnswer(
  screen: Screen,
  accepts: { text: boolean; actions: readonly WelcomeAction[]; linkCount?: number },
  hintKey: string,
): Promise<Answer> {
  for (;;) {
    const answer = await screen.next();
    const { ctx } = answer;
    if (answer.kind === "button") {
      const action = welcomeCallback.unpack(answer.data)?.[0];
      if (action !== undefined && accepts.actions.includes(action)) {
        await acknowledge(ctx);
        return { ctx, action };
      }
      const linkIndex = welcomeLinkCallback.unpack(answer.data)?.[0];
      if (linkIndex !== undefined && linkIndex < (accepts.linkCount ?? 0)) {
        await acknowledge(ctx);
        return { ctx, linkIndex };
      }
      await screen.refuse(ctx);
      continue;
    }
    if (accepts.text && answer.kind === "text") return { ctx, text: answer.text };
    await screen.hint(ctx, hintKey);
  }
}

async function askMessage(screen: Screen, channel: PickedChannel) {
  const { ctx } = screen;
  const prompt = ctx.html("welcome-ask-message", { channel: channel.name, max: WELCOME_MESSAGE_MAX });
  await screen.show(prompt, cancelKeyboard(ctx));
  for (;;) {
    const answer = await waitForAnswer(screen, { text: true, actions: [] }, "welcome-need-text");
    if (!("text" in answer)) continue;
    const parsed = welcomeMessageSchema.safeParse(answer.text);
    if (parsed.success) return { ctx: answer.ctx, message: parsed.data };
    const problem = answer.ctx.html(parsed.error.issues[0]?.message ?? "welcome-message-empty", {
      length: answer.text.length,
      max: WELCOME_MESSAGE_MAX,
    });
    await screen.send(`${problem}\n\n${prompt}`, cancelKeyboard(answer.ctx));
  }
}

/** Returns the chosen link, or null when skipped or when the channel has none (there is nothing to choose). */
async function askInviteLink(screen: Screen, channel: PickedChannel) {
  const { ctx } = screen;
  const links = channel.links.slice(0, LINK_BUTTONS_MAX);
  if (links.length === 0) return { ctx, inviteLink: null };
  const keyboard = new InlineKeyboard();
  links.forEach((link, index) => {
    keyboard.text(buttonLabel(link.name || link.url), welcomeLinkCallback.pack(index)).row();
  });
  keyboard.text(ctx.t("welcome-skip-link"), welcomeCallback.pack("skip-link")).row();
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  await screen.show(ctx.html("welcome-ask-link", { channel: channel.name }), keyboard);
  const answer = await waitForAnswer(
    screen,
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
async function askButton(screen: Screen) {
  const { ctx } = screen;
  const textKeyboard = (at: FlowContext) =>
    new InlineKeyboard()
      .text(at.t("welcome-no-button"), welcomeCallback.pack("skip-button"))
      .row()
      .text(at.t("button-cancel"), cancelCallback.pack());
  const textPrompt = ctx.html("welcome-ask-button-text", { max: BUTTON_TEXT_MAX });
  await screen.show(textPrompt, textKeyboard(ctx));
  let text: string;
  let current: FlowContext;
  for (;;) {
    const answer = await waitForAnswer(screen, { text: true, actions: ["skip-button"] }, "welcome-need-text");
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
    await screen.send(`${problem}\n\n${textPrompt}`, textKeyboard(answer.ctx));
  }

  const urlPrompt = current.html("welcome-ask-button-url", { text });
  await screen.send(urlPrompt, cancelKeyboard(current));
  for (;;) {
    const answer = await waitForAnswer(screen, { text: true, actions: [] }, "welcome-need-text");
    if (!("text" in answer)) continue;
    const parsed = buttonUrlSchema.safeParse(answer.text);
    if (parsed.success) return { ctx: answer.ctx, button: { text, url: parsed.data } };
    const typed = answer.text.trim();
    const problem = answer.ctx.html(parsed.error.issues[0]?.message ?? "welcome-button-url-invalid", {
      url: buttonLabel(typed),
      scheme: /^([a-z][a-z0-9+.-]*):/i.exec(typed)?.[1]?.toLowerCase() ?? "",
      max: BUTTON_URL_MAX,
    });
    await screen.send(`${problem}\n\n${urlPrompt}`, cancelKeyboard(answer.ctx));
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
export async function welcomeFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const channel = await pickChannel(screen, screen.ctx.html("welcome-title"));
  if (!channel) return;

  const written = await askMessage(screen, channel);
  const linked = await askInviteLink(screen, channel);
  const buttoned = await askButton(screen);
  const draft: WelcomeDraft = {
    message: written.message,
    inviteLink: linked.inviteLink,
    button: buttoned.button,
  };

  for (;;) {
    const previewId = await sendPreview(screen.ctx, draft);
    await screen.send(summaryText(screen.ctx, channel, draft), summaryKeyboard(screen.ctx));
    const decision = await waitForAnswer(
      screen,
      { text: false, actions: ["confirm", "edit"] },
      "welcome-need-choice",
    );
    if ("action" in decision && decision.action === "confirm") break;

    // The preview no longer matches what is being edited; a new one follows the change.
    await screen.ctx.api.deleteMessage(screen.chatId, previewId).catch(() => undefined);
    await screen.show(screen.ctx.html("welcome-edit-choose"), editKeyboard(screen.ctx, channel));
    const choice = await waitForAnswer(
      screen,
      { text: false, actions: ["edit-message", "edit-link", "edit-button"] },
      "welcome-need-choice",
    );
    if (!("action" in choice)) continue;
    if (choice.action === "edit-message") draft.message = (await askMessage(screen, channel)).message;
    else if (choice.action === "edit-link")
      draft.inviteLink = (await askInviteLink(screen, channel)).inviteLink;
    else draft.button = (await askButton(screen)).button;
  }

  // Each confirming click (the first one, then each retry) is one action: its redelivery sends nothing more.
  for (;;) {
    const current = screen.ctx;
    const actionId = `welcome:${current.callbackQuery!.id}`;
    await screen.show(current.html("welcome-sending"));
    const result = await screen.conversation.external(() =>
      sendWelcomeOnce(deps, userId, actionId, { id: channel.id, name: channel.name }, draft),
    );
    if ("status" in result && result.status === "sent") {
      await screen.show(
        current.html("welcome-saved", { channel: channel.name }),
        await screen.mainMenu(current),
      );
      return;
    }
    if ("kind" in result && result.kind === "auth") {
      // Retrying cannot help until the operator logs in again, which the message tells them to do.
      await screen.show(failureText(current, result));
      return;
    }
    const problem = "kind" in result ? failureText(current, result) : current.html("welcome-outcome-unknown");
    // No answer, or one we cannot read, does not prove that premiumpay did not save it (a late answer often did).
    const refused = "kind" in result && result.kind !== "unavailable" && result.kind !== "bad_response";
    await screen.show(
      `${problem}\n${current.html(refused ? "welcome-not-saved" : "welcome-not-confirmed")}`,
      retryKeyboard(current, "welcome"),
    );
    await screen.button(retryCallback, { hintKey: "welcome-need-choice" });
  }
}
