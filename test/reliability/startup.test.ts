import { createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { ChildBot } from "../support/child-bot.js";
import { useChildWorld } from "../support/child-world.js";

const world = useChildWorld("startup");

const messages = (child: ChildBot) => child.logs().map((line) => String(line.msg));
const hasStack = (lines: string[]) => lines.some((line) => /\bat .+:\d+:\d+/.test(line));

/** A Telegram that accepts connections and never answers (a black-holed route, a hung proxy). */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("start-up", () => {
  it("says what it does, one human line per phase, at info level", async () => {
    world.bot = await ChildBot.start(world.env, { entry: world.bundle.entry });
    const infos = world
      .bot!.logs()
      .filter((line) => line.level === 30)
      .map((line) => String(line.msg));
    const phases = [
      /^configuration read/,
      /^data folder opened: /,
      /^connecting to Telegram at http:\/\/127\.0\.0\.1/,
      /^logged in to Telegram as @emulated_bot/,
      /^bot started: long polling as @emulated_bot/,
    ];
    const positions = phases.map((phase) => infos.findIndex((msg) => phase.test(msg)));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    await world.bot!.killHard();
  }, 60_000);

  it("names BOT_TOKEN in one line and exits 1 when Telegram refuses the token", async () => {
    const refused = ChildBot.spawn(
      { ...world.env, BOT_TOKEN: `${world.telegram.token.split(":")[0]}:${"A".repeat(35)}` },
      { entry: world.bundle.entry },
    );
    expect(await refused.waitForExit(30_000)).toEqual({ code: 1, signal: null });
    expect(refused.stderr).toHaveLength(1);
    expect(refused.stderr[0]).toMatch(/BOT_TOKEN was refused by Telegram/);
    expect(hasStack(refused.output())).toBe(false);
  }, 60_000);

  it("reports an unreachable Telegram within seconds and keeps retrying with backoff, saying so", async () => {
    const silent = await silentServer();
    try {
      world.bot = ChildBot.spawn(
        { ...world.env, TELEGRAM_API_ROOT: silent.url },
        { entry: world.bundle.entry },
      );
      await world.bot!.waitForLog((line) => line.includes("Telegram is unreachable"), 20_000);
      await world.bot!.waitForLog((line) => line.includes('"attempt":2'), 30_000);
      const reports = world
        .bot!.logs()
        .filter((line) => String(line.msg).startsWith("Telegram is unreachable"));
      // The bound: within 10 s of the start. The first attempt is given 5 s; counted from the bot's first
      // line, by its own clock, so the time Node takes to boot on a busy machine does not count.
      expect(reports[0]).toMatchObject({ level: 40, attempt: 1, reason: "no answer within 5 s" });
      const startedAt = Number(world.bot!.logs()[0]!.time);
      expect(Number(reports[0]!.time) - startedAt).toBeLessThan(10_000);
      expect(String(reports[0]!.msg)).toMatch(/retrying in \d+ s/);
      // Backoff: the second wait is longer than the first.
      expect(Number(reports[1]!.retryInMs)).toBeGreaterThan(Number(reports[0]!.retryInMs));
      expect(messages(world.bot!)).toContain(`connecting to Telegram at ${silent.url}`);
      expect(world.bot!.hasExited).toBe(false);
    } finally {
      await world.bot?.killHard();
      await silent.close();
    }
  }, 60_000);

  it("reports every configuration problem at once, with a hint to .env.example and npm run demo", async () => {
    const misconfigured = ChildBot.spawn(
      { ...world.env, BOT_TOKEN: "", CREDENTIALS_KEY: "short", DEFAULT_TIMEZONE: "Mars/Olympus" },
      { entry: world.bundle.entry },
    );
    expect(await misconfigured.waitForExit(30_000)).toEqual({ code: 1, signal: null });
    const output = misconfigured.stderr.join("\n");
    expect(output).toMatch(/BOT_TOKEN: must look like/);
    expect(output).toMatch(/CREDENTIALS_KEY: must be 64 hexadecimal characters/);
    expect(output).toMatch(/DEFAULT_TIMEZONE: must be an IANA time zone/);
    expect(output).toContain(".env.example");
    expect(output).toContain("npm run demo");
    expect(hasStack(misconfigured.output())).toBe(false);
  }, 60_000);
});
