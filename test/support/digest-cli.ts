import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run digest -- <args>` as the package script runs it (tsx), with exactly this environment plus PATH. */
export function runDigestCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  return runScript("src/digest/cli.ts", env, args);
}

/** `npm run store:copy -- <args>`, the same way. */
export function runStoreCopyCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  return runScript("src/cli/store-copy.ts", env, args);
}

function runScript(script: string, env: Record<string, string>, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
