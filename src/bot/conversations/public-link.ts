import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, menuCallback } from "../callback-data/index.js";
import {
  DURATION_PRESETS,
  linkActionCallback,
  linkDurationCallback,
  linkEditCallback,
  linkYesNoCallback,
} from "../callback-data/public-link.js";
import type { BotDeps, FlowContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { confirmOnce, failureText } from "../operator.js";
import { pickChannel, type Screen, type View } from "../screens/index.js";

/** Telegram's limit for invite link names, in characters (code points). */
export const LINK_NAME_MAX_LENGTH = 32;
/** One year: the longest duration an operator can type. */
export const MAX_DURATION_HOURS = 8760;

/** Control characters (NUL, line breaks, tabs…), lone surrogates and line/paragraph separators. */
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Cs}\u2028\u2029]/u;
/** Something other than spaces and invisible format characters (a name of zero-width spaces reads as empty). */
const VISIBLE = /[^\p{Z}\p{Cf}]/u;

/** A typed link name; each issue's message is the locale key that explains it. */
export const linkNameSchema = z
  .string()
  .trim()
  .refine((name) => VISIBLE.test(name), "link-name-empty")
  .refine((name) => !FORBIDDEN_IN_NAME.test(name), "link-name-control")
  .refine((name) => [...name].length <= LINK_NAME_MAX_LENGTH, "link-name-too-long");

const WHOLE_NUMBER = /^[+-]?\d{1,12}$/;

/** A typed number of hours, 0 (unlimited) to one year; each issue's message is the locale key that explains it. */
export const durationHoursSchema = z
  .string()
  .trim()
  .regex(WHOLE_NUMBER, "link-duration-not-number")
  .transform(Number)
  .pipe(z.number().int().min(0, "link-duration-range").max(MAX_DURATION_HOURS, "link-duration-range"));

/** Everything the create call needs; JSON-safe because it is rebuilt on every replay and passed to externals. */
export interface LinkDraft {
  channel: { id: number; name: string };
  name: string;
  durationHours: number;
  requiresApproval: boolean;
  /** Always false when approval is not required. */
  autoApproval: boolean;
}

interface CreatedLink {
  name: string;
  url: string;
}

/** `unknown`: an earlier run of this very confirmation was interrupted mid-call, so it is not sent again. */
type CreateResult = { state: "done"; link: CreatedLink } | { state: "unknown" };

/** The idempotency key of one confirming click (Confirm or Retry): the same click delivered again has the same key. */
export function linkActionId(chatId: number, callbackQueryId: string): string {
  return `link:${chatId}:${callbackQueryId}`;
}

/**
 * Sends the create call at most once per confirming click: the action id comes from that click's callback query,
 * which a redelivered update (after a crash) carries again, so the stored result is returned instead of a new link.
 */
async function createLinkOnce(
  deps: BotDeps,
  userId: number,
  actionId: string,
  draft: LinkDraft,
): Promise<Outcome<CreateResult>> {
  const run = await confirmOnce(
    deps,
    userId,
    actionId,
    "publish",
    async (client): Promise<CreatedLink> => {
      const link = await client.createPublicLink({
        channelId: draft.channel.id,
        name: draft.name,
        durationHours: draft.durationHours,
        requiresApproval: draft.requiresApproval,
        autoApproval: draft.autoApproval,
      });
      return { name: link.name, url: link.url };
    },
    (link) => ({
      action: "public_link_created",
      // The invite URL is left out: it lets anyone join the channel.
      details: {
        channelId: draft.channel.id,
        channelName: draft.channel.name,
        linkName: link.name,
        durationHours: draft.durationHours,
        requiresApproval: draft.requiresApproval,
      },
    }),
  );
  if (run.state === "unknown") {
    deps.logger.warn(
      { userId, actionId },
      "public link creation was interrupted earlier; not sending it again",
    );
    return { ok: true, value: { state: "unknown" } };
  }
  if (!run.outcome.ok) return run.outcome;
  deps.logger.info(
    { userId, actionId, channelId: draft.channel.id, replayed: run.replayed },
    "public link created",
  );
  return { ok: true, value: { state: "done", link: run.outcome.value } };
}

// ---- Asking ----

type Answer<T> = { ctx: FlowContext; value: T } | { ctx: FlowContext; text: string };

/**
 * Shows a step and waits for one of its buttons (understood by `accept`) or, when the step takes text, a text
 * message. Other buttons are refused by the screen; other messages get the step again below them with a hint.
 */
async function ask<T>(
  screen: Screen,
  render: (ctx: FlowContext, hint?: string) => View,
  accept: (data: string) => T | undefined,
  acceptsText = false,
): Promise<Answer<T>> {
  screen.staleKey = "link-stale-button";
  const first = render(screen.ctx);
  await screen.show(first.text, first.keyboard);
  for (;;) {
    const answer = await screen.next();
    if (answer.kind === "button") {
      const value = accept(answer.data);
      if (value === undefined) {
        await screen.refuse(answer.ctx);
        continue;
      }
      await acknowledge(answer.ctx);
      return { ctx: answer.ctx, value };
    }
    if (acceptsText && answer.kind === "text") return { ctx: answer.ctx, text: answer.text };
    const again = render(answer.ctx, answer.ctx.html(acceptsText ? "link-need-text" : "link-use-buttons"));
    await screen.show(again.text, again.keyboard);
  }
}

// ---- Texts and keyboards ----

function header(ctx: FlowContext, channel: LinkDraft["channel"]): string {
  return ctx.html("link-header", { channel: channel.name });
}

function lines(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== "").join("\n\n");
}

function durationText(ctx: FlowContext, hours: number): string {
  if (hours === 0) return ctx.t("link-duration-unlimited");
  if (hours % 24 === 0) return ctx.t("link-duration-days", { days: hours / 24 });
  return ctx.t("link-duration-hours", { hours });
}

/** Cancel, with Back (keep the current value) while editing a field from the summary. */
function closingRow(ctx: FlowContext, keyboard: InlineKeyboard, editing: boolean): InlineKeyboard {
  keyboard.row();
  if (editing) keyboard.text(ctx.t("button-back"), linkActionCallback.pack("back"));
  return keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
}

const acceptBack = (data: string) =>
  linkActionCallback.unpack(data)?.[0] === "back" ? ("back" as const) : undefined;

// ---- Steps ----

async function askName(screen: Screen, channel: LinkDraft["channel"], current?: string): Promise<string> {
  let problem: string | undefined;
  for (;;) {
    const render = (c: FlowContext, hint?: string): View => ({
      text: lines(
        header(c, channel),
        problem,
        c.html("link-ask-name", { max: LINK_NAME_MAX_LENGTH }),
        current === undefined ? undefined : c.html("link-current-name", { name: current }),
        hint,
      ),
      keyboard: closingRow(c, new InlineKeyboard(), current !== undefined),
    });
    const answer = await ask(screen, render, acceptBack, true);
    if ("value" in answer) return current!;
    const parsed = linkNameSchema.safeParse(answer.text);
    if (parsed.success) return parsed.data;
    problem = answer.ctx.html(parsed.error.issues[0]!.message, {
      length: [...answer.text.trim()].length,
      max: LINK_NAME_MAX_LENGTH,
    });
  }
}

async function askDuration(screen: Screen, channel: LinkDraft["channel"], current?: number): Promise<number> {
  let problem: string | undefined;
  for (;;) {
    const render = (c: FlowContext, hint?: string): View => {
      const keyboard = new InlineKeyboard();
      DURATION_PRESETS.forEach((preset, index) => {
        keyboard.text(c.t(`link-button-duration-${preset}`), linkDurationCallback.pack(preset));
        if (index % 2 === 1) keyboard.row();
      });
      return {
        text: lines(
          header(c, channel),
          problem,
          c.html("link-ask-duration", { max: MAX_DURATION_HOURS }),
          current === undefined
            ? undefined
            : c.html("link-current-duration", { duration: durationText(c, current) }),
          hint,
        ),
        keyboard: closingRow(c, keyboard, current !== undefined),
      };
    };
    const accept = (data: string) => {
      const preset = linkDurationCallback.unpack(data)?.[0];
      return preset === undefined ? acceptBack(data) : Number(preset);
    };
    const answer = await ask(screen, render, accept, true);
    if ("value" in answer) return answer.value === "back" ? current! : answer.value;
    const parsed = durationHoursSchema.safeParse(answer.text);
    if (parsed.success) return parsed.data;
    const typed = answer.text.trim();
    // A whole number out of range is shown as a number, formatted like the limit beside it ("9,999" and "8,760").
    const asNumber = WHOLE_NUMBER.test(typed) ? Number(typed) : undefined;
    problem = answer.ctx.html(parsed.error.issues[0]!.message, {
      input: asNumber ?? typed.slice(0, 32),
      max: MAX_DURATION_HOURS,
    });
  }
}

async function askYesNo(
  screen: Screen,
  channel: LinkDraft["channel"],
  question: "approval" | "auto",
  editing: boolean,
): Promise<boolean | "back"> {
  const render = (c: FlowContext, hint?: string): View => ({
    text: lines(
      header(c, channel),
      c.html(question === "approval" ? "link-ask-approval" : "link-ask-auto-approval"),
      hint,
    ),
    keyboard: closingRow(
      c,
      new InlineKeyboard()
        .text(c.t("link-button-yes"), linkYesNoCallback.pack(question, "yes"))
        .text(c.t("link-button-no"), linkYesNoCallback.pack(question, "no")),
      editing,
    ),
  });
  const accept = (data: string) => {
    const choice = linkYesNoCallback.unpack(data);
    if (!choice) return acceptBack(data);
    const [asked, answer] = choice;
    return asked === question ? answer === "yes" : undefined;
  };
  const answer = await ask(screen, render, accept);
  return "value" in answer ? answer.value : "back";
}

type Approval = Pick<LinkDraft, "requiresApproval" | "autoApproval">;

/** Requires approval, then (only when it does) auto approval. Back while editing keeps both values. */
async function askApproval(
  screen: Screen,
  channel: LinkDraft["channel"],
  current?: Approval,
): Promise<Approval> {
  const required = await askYesNo(screen, channel, "approval", current !== undefined);
  if (required === "back") return current!;
  if (!required) return { requiresApproval: false, autoApproval: false };
  const auto = await askYesNo(screen, channel, "auto", false);
  return { requiresApproval: true, autoApproval: auto === true };
}

/** What members will experience with the two approval settings, rather than the settings themselves. */
function memberAccess(draft: Approval): "open" | "auto" | "manual" {
  if (!draft.requiresApproval) return "open";
  return draft.autoApproval ? "auto" : "manual";
}

/** Channel, name, duration and how members get in. */
function settingsText(ctx: FlowContext, draft: LinkDraft, name: string): string {
  return [
    ctx.html("link-setting-channel", { channel: draft.channel.name }),
    ctx.html("link-setting-name", { name }),
    ctx.html("link-setting-duration", { duration: durationText(ctx, draft.durationHours) }),
    ctx.html("link-setting-members", { access: memberAccess(draft) }),
  ].join("\n");
}

function summaryText(ctx: FlowContext, draft: LinkDraft): string {
  return `${ctx.html("link-summary-title")}\n${settingsText(ctx, draft, draft.name)}`;
}

type Field = "channel" | "name" | "duration" | "approval";

async function askField(screen: Screen, draft: LinkDraft): Promise<Field | "back"> {
  const render = (c: FlowContext, hint?: string): View => ({
    text: lines(summaryText(c, draft), c.html("link-edit-choose"), hint),
    keyboard: closingRow(
      c,
      new InlineKeyboard()
        .text(c.t("link-field-channel"), linkEditCallback.pack("channel"))
        .text(c.t("link-field-name"), linkEditCallback.pack("name"))
        .row()
        .text(c.t("link-field-duration"), linkEditCallback.pack("duration"))
        .text(c.t("link-field-approval"), linkEditCallback.pack("approval")),
      true,
    ),
  });
  const accept = (data: string) => linkEditCallback.unpack(data)?.[0] ?? acceptBack(data);
  const answer = await ask(screen, render, accept);
  return "value" in answer ? answer.value : "back";
}

/** Changes one field of the draft; the others are kept. Undefined when the operator has no channel left to pick. */
async function editDraft(screen: Screen, draft: LinkDraft): Promise<LinkDraft | undefined> {
  const field = await askField(screen, draft);
  switch (field) {
    case "back":
      return draft;
    case "channel": {
      const picked = await pickLinkChannel(screen);
      return picked && { ...draft, channel: picked };
    }
    case "name":
      return { ...draft, name: await askName(screen, draft.channel, draft.name) };
    case "duration":
      return { ...draft, durationHours: await askDuration(screen, draft.channel, draft.durationHours) };
    case "approval":
      return { ...draft, ...(await askApproval(screen, draft.channel, draft)) };
  }
}

/** The picker opens its own message; the flow's previous one is removed so only one screen stays. */
async function pickLinkChannel(screen: Screen): Promise<LinkDraft["channel"] | undefined> {
  if (screen.messageId !== undefined) {
    await screen.ctx.api.deleteMessage(screen.chatId, screen.messageId).catch(() => undefined);
  }
  const picked = await pickChannel(screen, screen.ctx.html("link-title"));
  return picked && { id: picked.id, name: picked.name };
}

function shareUrl(link: string): string {
  return `https://t.me/share/url?url=${encodeURIComponent(link)}`;
}

/**
 * Creates the link once per confirming click. A failure offers Retry (a new click, so a new action) or Edit;
 * an authentication failure ends the flow with the way to log in again. Returns "edit" to go on editing, or
 * "over" when the flow is over.
 */
async function createLink(screen: Screen, draft: LinkDraft): Promise<"edit" | "over"> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  for (;;) {
    const press = screen.ctx;
    await screen.show(lines(header(press, draft.channel), press.html("link-creating")));
    const actionId = linkActionId(screen.chatId, press.callbackQuery!.id);
    const outcome = await screen.conversation.external(() => createLinkOnce(deps, userId, actionId, draft));
    if (outcome.ok && outcome.value.state === "done") {
      const { link } = outcome.value;
      await screen.show(
        lines(press.html("link-created", { url: link.url }), settingsText(press, draft, link.name)),
        new InlineKeyboard()
          .url(press.t("link-button-share"), shareUrl(link.url))
          .row()
          .text(press.t("link-button-another"), menuCallback.pack("link")),
      );
      return "over";
    }
    if (outcome.ok) {
      await screen.show(
        lines(header(press, draft.channel), press.html("link-create-unknown")),
        new InlineKeyboard().text(press.t("link-button-another"), menuCallback.pack("link")),
      );
      return "over";
    }
    const failure = outcome;
    if (failure.kind === "auth") {
      await screen.show(lines(header(press, draft.channel), failureText(press, failure)));
      return "over";
    }
    // No answer, or one we cannot read, does not prove that nothing was created: the operator is not told it was not.
    const unconfirmed = failure.kind === "unavailable" || failure.kind === "bad_response";
    const render = (c: FlowContext, hint?: string): View => ({
      text: lines(
        header(c, draft.channel),
        failureText(c, failure),
        c.html(unconfirmed ? "link-create-unconfirmed" : "link-create-failed"),
        hint,
      ),
      keyboard: new InlineKeyboard()
        .text(c.t("button-retry"), linkActionCallback.pack("retry"))
        .text(c.t("link-button-edit"), linkActionCallback.pack("edit"))
        .row()
        .text(c.t("button-cancel"), cancelCallback.pack()),
    });
    const accept = (data: string) => {
      const action = linkActionCallback.unpack(data)?.[0];
      return action === "retry" || action === "edit" ? action : undefined;
    };
    const answer = await ask(screen, render, accept);
    if (!("value" in answer) || answer.value === "edit") return "edit";
  }
}

/**
 * /link: channel → name → duration → approval (→ auto approval) → summary with Confirm / Edit / Cancel →
 * createPublicLink exactly once → the link with a share button. Every step edits the same message where it can.
 */
export async function publicLinkFlow(screen: Screen): Promise<void> {
  const picked = await pickChannel(screen, screen.ctx.html("link-title"));
  if (!picked) return;
  const channel = { id: picked.id, name: picked.name };
  const name = await askName(screen, channel);
  const durationHours = await askDuration(screen, channel);
  let draft: LinkDraft = { channel, name, durationHours, ...(await askApproval(screen, channel)) };
  for (;;) {
    const render = (c: FlowContext, hint?: string): View => ({
      text: lines(summaryText(c, draft), c.html("link-confirm-question"), hint),
      keyboard: new InlineKeyboard()
        .text(c.t("link-button-confirm"), linkActionCallback.pack("confirm"))
        .row()
        .text(c.t("link-button-edit"), linkActionCallback.pack("edit"))
        .text(c.t("button-cancel"), cancelCallback.pack()),
    });
    const accept = (data: string) => {
      const action = linkActionCallback.unpack(data)?.[0];
      return action === "confirm" || action === "edit" ? action : undefined;
    };
    const answer = await ask(screen, render, accept);
    if ("value" in answer && answer.value === "confirm" && (await createLink(screen, draft)) === "over")
      return;
    const edited = await editDraft(screen, draft);
    if (!edited) return;
    draft = edited;
  }
}
