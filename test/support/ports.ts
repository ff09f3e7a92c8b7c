import { createServer } from "node:net";

/**
 * Ports a test may close and open again (a server "restarted on the same port") are taken below Linux's ephemeral
 * range (32768–60999 by default): every other server of the parallel test files listens on port 0, which the kernel
 * answers from that range, so nothing else takes the port while it is closed. Random within the range, so parallel
 * files rarely meet; a port found busy is skipped.
 */
const LOW = 20_000;
const HIGH = 32_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free port outside the ephemeral range, for a server that will be closed and opened again on it. */
export async function reusablePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH}`);
}
