import { Api, GrammyError, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BotApiEmulator,
  MAX_DOCUMENT_BYTES,
  MAX_PHOTO_BYTES,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { ann, callApi } from "./support.js";

let emu: BotApiEmulator;
let api: Api;
beforeEach(async () => {
  emu = await startBotApiEmulator();
  emu.addUser(ann);
  api = new Api(emu.token, { apiRoot: emu.apiRoot });
});
afterEach(async () => {
  await emu.close();
});

/** The smallest valid-looking PNG head: signature and an IHDR chunk of 1080 × 720. */
function png(width = 1080, height = 720): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "ascii");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/** A multipart upload of `size` bytes, as a Bot API client sends it. */
async function upload(method: string, field: string, size: number, extra: Record<string, string> = {}) {
  const form = new FormData();
  form.set("chat_id", String(ann.id));
  for (const [key, value] of Object.entries(extra)) form.set(key, value);
  form.set(field, new Blob([Buffer.alloc(size, 1)]), "big.bin");
  const response = await fetch(`${emu.apiRoot}/bot${emu.token}/${method}`, { method: "POST", body: form });
  return { status: response.status, ...((await response.json()) as { ok: boolean; description?: string }) };
}

async function refusal(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

describe("sendPhoto and sendDocument", () => {
  it("stores an uploaded photo's bytes and size, with its HTML caption", async () => {
    const bytes = png();
    const message = await api.sendPhoto(ann.id, new InputFile(bytes, "chart.png"), {
      caption: "<b>Sales</b> &amp; more",
      parse_mode: "HTML",
    });
    expect(message.photo).toEqual([
      expect.objectContaining({ width: 1080, height: 720, file_size: bytes.length }),
    ]);
    expect(message.caption).toBe("Sales & more");
    expect(message.caption_entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
    const stored = emu.chat(ann.id).lastBotMessage()!;
    expect(stored.media?.kind).toBe("photo");
    expect(stored.media?.bytes.equals(bytes)).toBe(true);
    expect(stored.html).toBe("<b>Sales</b> &amp; more");
    expect(emu.file(message.photo[0]!.file_id)?.bytes.equals(bytes)).toBe(true);
  });

  it("stores a document with its file name and type; its file_id can be sent again", async () => {
    const csv = Buffer.from("\uFEFFa,b\r\n1,2\r\n", "utf8");
    const message = await api.sendDocument(ann.id, new InputFile(csv, "sales-vip-2026-11-01_2026-11-30.csv"));
    expect(message.document).toMatchObject({
      file_name: "sales-vip-2026-11-01_2026-11-30.csv",
      file_size: csv.length,
    });
    expect(emu.file(message.document!.file_id)?.bytes.equals(csv)).toBe(true);
    const again = await api.sendDocument(ann.id, message.document!.file_id);
    expect(again.document?.file_id).toBe(message.document!.file_id);
    expect(emu.chat(ann.id).botMessages()).toHaveLength(2);
  });

  it("refuses a caption over 1,024 characters after entity parsing, and accepts 1,024 with markup around", async () => {
    const error = await refusal(api.sendPhoto(ann.id, new InputFile(png()), { caption: "x".repeat(1_025) }));
    expect(error.description).toBe("Bad Request: message caption is too long");
    const atLimit = `<b>${"x".repeat(1_024)}</b>`;
    const message = await api.sendPhoto(ann.id, new InputFile(png()), {
      caption: atLimit,
      parse_mode: "HTML",
    });
    expect(message.caption).toHaveLength(1_024);
    const broken = await refusal(
      api.sendPhoto(ann.id, new InputFile(png()), { caption: "<b>x", parse_mode: "HTML" }),
    );
    expect(broken.description).toMatch(/^Bad Request: can't parse entities/);
  });

  it("refuses a photo over 10 MB and a document over 50 MB, storing nothing", async () => {
    const photo = await upload("sendPhoto", "photo", MAX_PHOTO_BYTES + 1);
    expect(photo).toMatchObject({ status: 400, ok: false });
    const document = await upload("sendDocument", "document", MAX_DOCUMENT_BYTES + 1);
    expect(document).toMatchObject({ status: 413, ok: false, description: "Request Entity Too Large" });
    expect(emu.chat(ann.id).botMessages()).toHaveLength(0);
    const atLimit = await upload("sendPhoto", "photo", MAX_PHOTO_BYTES);
    expect(atLimit).toMatchObject({ status: 200, ok: true });
    // About 80 MB go through multipart parsing: on a loaded machine that takes longer than the default 20 s.
  }, 90_000);

  it("refuses a request without the file, an unknown file_id and an empty file", async () => {
    expect(await callApi(emu, "sendPhoto", { chat_id: ann.id })).toMatchObject({ status: 400, ok: false });
    expect(await callApi(emu, "sendDocument", { chat_id: ann.id, document: "nope" })).toMatchObject({
      status: 400,
      description: "Bad Request: wrong file identifier/HTTP URL specified",
    });
    expect(await upload("sendDocument", "document", 0)).toMatchObject({ status: 400, ok: false });
  });

  it("logs the upload's name and size, never its bytes; a photo's caption cannot be edited as text", async () => {
    const message = await api.sendPhoto(ann.id, new InputFile(png(), "chart.png"));
    const call = emu.calls.find((c) => c.method === "sendPhoto")!;
    expect(JSON.parse(JSON.stringify(call.params)).photo).toEqual({
      fileName: "chart.png",
      mimeType: expect.any(String),
      size: png().length,
    });
    const edit = await refusal(api.editMessageText(ann.id, message.message_id, "text"));
    expect(edit.description).toBe("Bad Request: there is no text in the message to edit");
  });
});
