import { afterAll } from "vitest";

/**
 * Every test file fails on a process warning (MaxListenersExceededWarning, a deprecation, an experimental
 * feature): a warning is a leak or a future break that nobody reads in a green run.
 */
const warnings: string[] = [];
const record = (warning: Error) => void warnings.push(warning.stack ?? `${warning.name}: ${warning.message}`);
process.on("warning", record);

afterAll(() => {
  process.off("warning", record);
  if (warnings.length > 0) {
    throw new Error(`the process printed ${warnings.length} warning(s):\n${warnings.join("\n")}`);
  }
});
