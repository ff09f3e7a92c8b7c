import { readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LowdbStore } from "../../src/store/index.js";
import { type Harness, hasButton, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const statusRequests = () => h.premiumpay.requests.filter((request) => request.endpoint === "status");

describe("login", () => {
  it("checks the pair with premiumpay, stores it encrypted and shows the menu", async () => {
    const op = h.operator();
    const before = statusRequests().length;
    const menu = await op.login();
    expect(menu.text).toContain("what would you like to do");
    const checked = statusRequests().slice(before);
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatchObject({ clientId: op.account.clientId, tokenMatched: true });
    const stored = await h.app.deps.store.getCredentials(op.user.id);
    expect(stored?.clientId).toBe(op.account.clientId);
    expect(stored?.token === op.account.token).toBe(true);
    const success = op.botMessages().find((message) => message.text.includes("Logged in as"));
    expect(success?.text).toContain(op.account.clientId);
    expect(success?.text).toContain("09:00 (UTC)");
  });

  it("deletes the message that held the token", async () => {
    const op = h.operator();
    await op.login();
    const tokenMessage = h.telegram
      .chat(op.chatId)
      .messages.find((message) => message.from === "user" && message.text === op.account.token);
    expect(tokenMessage?.deleted).toBe(true);
  });

  it("keeps no plaintext token or client id on disk, in files only the owner can read", async () => {
    const op = h.operator();
    await op.login();
    await h.app.deps.store.flush();
    for (const file of [
      (h.app.deps.store as LowdbStore).filePath,
      (h.app.deps.store as LowdbStore).conversationsFilePath,
    ]) {
      const content = await readFile(file, "utf8");
      expect(content).not.toContain(op.account.token);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
  });

  it("refuses a wrong token, saves nothing, and lets the operator try again", async () => {
    const op = h.operator();
    await op.send("/start", hasButton("x"));
    await op.send(op.account.clientId, hasButton("x"));
    const [header, payload] = op.account.token.split(".");
    const refused = await op.send(`${header}.${payload}.forgedsignature`, /did not accept/);
    expect(hasButton("lr:token")(refused)).toBe(true);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials ?? false).toBe(false);
    // While the flow waits, the wrong token sits in its state: that state is encrypted on disk.
    await h.app.deps.store.flush();
    expect(await readFile((h.app.deps.store as LowdbStore).conversationsFilePath, "utf8")).not.toContain(
      "forgedsignature",
    );
    await op.click("Enter the token again", hasButton("x"));
    const menu = await op.send(op.account.token, hasButton("m:channels"));
    expect(menu.text).toContain("what would you like to do");
    expect((await h.app.deps.store.getCredentials(op.user.id))?.token === op.account.token).toBe(true);
  });

  it("lets the operator change the client id after a refusal", async () => {
    const op = h.operator();
    const other = h.premiumpay.clients[1]!;
    await op.send("/start", hasButton("x"));
    await op.send(other.clientId, hasButton("x"));
    await op.send(op.account.token, /did not accept/);
    await op.click("Change the client id", /client id/);
    await op.send(op.account.clientId, hasButton("x"));
    await op.send(op.account.token, hasButton("m:channels"));
    expect((await h.app.deps.store.getOperator(op.user.id))?.clientId).toBe(op.account.clientId);
  });

  it("says premiumpay is down, keeps nothing half-saved, and succeeds on retry", async () => {
    const op = h.operator();
    await op.send("/start", hasButton("x"));
    await op.send(op.account.clientId, hasButton("x"));
    h.premiumpay.faults.set("status", { status: 503 }, { times: 20 });
    const down = await op.send(op.account.token, /cannot be reached/, 15_000);
    expect(down.text).toContain("Nothing was saved");
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials ?? false).toBe(false);
    h.premiumpay.faults.clear();
    await op.click("Enter the token again", hasButton("x"));
    await op.send(op.account.token, hasButton("m:channels"));
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).toBe(true);
  });

  it("asks again for a malformed client id or token without calling premiumpay", async () => {
    const op = h.operator();
    const before = h.premiumpay.requests.length;
    await op.send("/start", hasButton("x"));
    await op.send("has spaces in it", /1 to 50 characters/);
    await op.send("x".repeat(51), /1 to 50 characters/);
    await op.send(op.account.clientId, /API token/);
    await op.send("not a jwt", /does not look like a premiumpay token/);
    expect(h.premiumpay.requests.length).toBe(before);
    // A token pasted with line breaks is still accepted: white space is never part of a JWT.
    const [a, b, c] = op.account.token.split(".");
    await op.send(`${a}.\n${b}.\n${c}`, hasButton("m:channels"));
    expect((await h.app.deps.store.getCredentials(op.user.id))?.token === op.account.token).toBe(true);
  });

  it("can be cancelled at any step, with the command or the button", async () => {
    const op = h.operator();
    await op.send("/start", hasButton("x"));
    await op.send("/cancel", /Cancelled/);
    await op.send("/start", hasButton("x"));
    await op.send(op.account.clientId, hasButton("x"));
    await op.click("Cancel", /Cancelled/);
    // After cancelling, text is no longer read as a token.
    await op.send(op.account.token, /did not understand/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials ?? false).toBe(false);
  });
});

describe("after login", () => {
  it("survives a restart", async () => {
    const op = h.operator();
    await op.login();
    await h.restart();
    const account = await op.send("/account", /Client id/);
    expect(account.text).toContain(op.account.clientId);
    expect(account.text).not.toContain(op.account.token);
    expect(account.text).toMatch(/API version: 1\.0\.0/);
  });

  it("/start shows the menu instead of asking to log in again", async () => {
    const op = h.operator();
    await op.login();
    const menu = await op.send("/start", hasButton("m:channels"));
    expect(menu.text).toContain("what would you like to do");
  });

  it("/logout asks first, then deletes the credentials and every setting", async () => {
    const op = h.operator();
    await op.login();
    await op.send("/logout", /cannot be undone/);
    await op.click("No, keep me logged in", /still logged in/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).toBe(true);
    await op.send("/logout", /cannot be undone/);
    await op.click("Yes, log me out", /logged out/);
    expect(await h.app.deps.store.getOperator(op.user.id)).toBeUndefined();
    await h.app.deps.store.flush();
    expect(await readFile((h.app.deps.store as LowdbStore).filePath, "utf8")).not.toContain(
      `"${op.user.id}"`,
    );
    await op.send("/account", /^You are not logged in\. Send \/login/);
    await op.send("/logout", /^You are logged out\. To come back, send \/login/);
  });

  it("says in Spanish that the operator is logged out and how to come back", async () => {
    const op = h.operator({ languageCode: "es" });
    await op.login();
    await op.send("/logout", /No se puede deshacer/);
    const done = await op.click("Sí, cerrar sesión", /Has cerrado sesión/);
    expect(done.text).toContain("Para volver, envía /login");
    await op.send("/logout", /^Has cerrado sesión\. Para volver, envía \/login/);
    const account = await op.send("/account", /No has iniciado sesión/);
    expect(account.text).not.toContain("Aún");
  });

  it("shows the account's status, rate limit and API version", async () => {
    const op = h.operator();
    await op.login();
    const account = await op.send("/account", /Client id/);
    expect(account.text).toMatch(/API status: ✅ ok/);
    expect(account.text).toMatch(/Rate limit: \d+ of 120 requests left; the count resets in \d+ s/);
    expect(account.text).toContain("Time zone: UTC");
  });

  it("/account in Spanish: its labels and the rate limit in words, no premiumpay field name", async () => {
    const op = h.operator({ languageCode: "es" });
    await op.login();
    const account = await op.send("/account", /ID de cliente/);
    expect(account.text).toMatch(/Límite de peticiones: quedan \d+ de 120; el recuento se reinicia en \d+ s/);
    expect(account.text).not.toMatch(/Client id|Rate limit|limit:|remaining:|reset:/);
  });

  it("tells an operator whose token expired to log in again", async () => {
    const op = h.operator();
    await op.login();
    h.premiumpay.faults.set(
      "status",
      { status: 401, body: { status: "ko", error: "Token expired" } },
      { times: 1 },
    );
    const account = await op.send("/account", /Client id/);
    expect(account.text).toContain("Send /login to log in again");
  });

  it("/login replaces refused credentials and keeps the operator's settings; /cancel keeps the old ones", async () => {
    const op = h.operator();
    await op.login();
    await h.app.deps.store.updateOperator(op.user.id, { timezone: "Europe/Madrid" });
    await op.send("/login", /You are logged in as/);
    await op.send("/cancel", /Cancelled/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).toBe(true);

    const other = h.premiumpay.clients[1]!;
    await op.send("/login", hasButton("x"));
    const intro = op.botMessages().findLast((message) => message.text.includes("You are logged in as"));
    expect(intro?.text).toContain(op.account.clientId);
    await op.send(other.clientId, hasButton("x"));
    await op.send(other.token, hasButton("m:channels"));
    const operator = await h.app.deps.store.getOperator(op.user.id);
    expect(operator?.clientId).toBe(other.clientId);
    expect(operator?.timezone).toBe("Europe/Madrid");
  });
});
