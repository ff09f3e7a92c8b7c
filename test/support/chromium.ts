import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createBrotliDecompress } from "node:zlib";
import { extract } from "tar-fs";
import { z } from "zod";

/**
 * The browser for the demo's real-browser tests. By default it is the headless Chromium shipped inside the
 * @sparticuz/chromium npm package (it needs only libc and libgcc once its own NSS libraries are on the library
 * path), so `npm ci && npm test` needs no system browser. Set CHROMIUM_PATH (for example /usr/bin/chromium, from
 * Debian's `chromium` package) to use another one.
 */
export interface ChromiumLaunch {
  executablePath: string;
  /** Environment for the browser process: its own libraries and fonts. */
  env: Record<string, string>;
  /** The package's Chromium, or the one CHROMIUM_PATH names. */
  source: "npm" | "CHROMIUM_PATH";
}

/** Without the background-networking flags, Chromium keeps calling Google's hosts, which a closed network refuses. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const environment = z.object({ CHROMIUM_PATH: z.string().min(1).optional() });
const packageManifest = z.object({ version: z.string() });

export async function chromiumForTests(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumLaunch> {
  const { CHROMIUM_PATH } = environment.parse(env);
  const inherited = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  if (CHROMIUM_PATH) {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH names no file: ${CHROMIUM_PATH}`);
    return { executablePath: CHROMIUM_PATH, env: inherited, source: "CHROMIUM_PATH" };
  }
  const folder = await unpackedChromium();
  return {
    executablePath: join(folder, "chromium"),
    env: { ...inherited, LD_LIBRARY_PATH: join(folder, "lib"), FONTCONFIG_PATH: folder },
    source: "npm",
  };
}

const require = createRequire(import.meta.url);

/**
 * Unpacks the package's brotli archives once per package version into node_modules/.cache. The package's own
 * executablePath() unpacks into the shared /tmp in place, so an interrupted run would leave a broken browser
 * there for every later run; here the files are unpacked aside and renamed into place whole.
 */
async function unpackedChromium(): Promise<string> {
  // The package exports only its entry point (build/cjs/index.cjs), not its package.json or bin folder.
  const root = join(dirname(require.resolve("@sparticuz/chromium")), "..", "..");
  const { version } = packageManifest.parse(JSON.parse(await readFile(join(root, "package.json"), "utf8")));
  const bin = join(root, "bin");
  const cache = join(root, "..", "..", ".cache", "sparticuz-chromium");
  const folder = join(cache, version);
  if (existsSync(join(folder, "chromium"))) return folder;

  await mkdir(cache, { recursive: true });
  const staging = await mkdtemp(join(cache, `${version}.partial-`));
  try {
    await pipeline(
      createReadStream(join(bin, "chromium.br")),
      createBrotliDecompress(),
      createWriteStream(join(staging, "chromium"), { mode: 0o755 }),
    );
    // fonts.tar.br holds Open Sans; al2023.tar.br the NSS and expat libraries the binary links.
    for (const archive of ["fonts.tar.br", "al2023.tar.br"]) {
      await pipeline(createReadStream(join(bin, archive)), createBrotliDecompress(), extract(staging));
    }
    await writeFile(join(staging, "fonts.conf"), fontsConf(folder));
    await rename(staging, folder);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another process unpacked the same version first: its copy is as good as ours.
    if (existsSync(join(folder, "chromium"))) return folder;
    throw error;
  }
  return folder;
}

/** The package's own fonts.conf names Lambda's folders; this one names the unpacked fonts. */
function fontsConf(folder: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(folder, "fonts")}</dir>
  <cachedir>${join(folder, "fonts-cache")}</cachedir>
</fontconfig>
`;
}
