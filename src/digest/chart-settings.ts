import { join } from "node:path";
import { z } from "zod";
import type { DigestChartChoices } from "../deps.js";
import { ensureDataDir } from "../store/atomic-file.js";
import { JournaledFile } from "../store/journaled-file.js";

export interface DigestChartSettings extends DigestChartChoices {
  close(): Promise<void>;
}

const recordSchema = z.strictObject({ userId: z.number().int().positive(), chart: z.boolean() });
type Tables = { operators: z.infer<typeof recordSchema> };
const SCHEMA_VERSION = 1;
export const DIGEST_CHARTS_FILE = "digest-charts.json";

/**
 * The choice is kept in a journaled file of its own in the data folder, like the alert settings, until the
 * operator record (src/store) has a field for it: one fsynced journal line per change.
 */
export async function openDigestChartSettings(dataDir: string): Promise<DigestChartSettings> {
  await ensureDataDir(dataDir);
  const file = await JournaledFile.open<Tables>(join(dataDir, DIGEST_CHARTS_FILE), SCHEMA_VERSION, {
    operators: { schema: recordSchema, keyOf: (record) => String(record.userId) },
  });
  return {
    enabled: async (userId) => file.get("operators", String(userId))?.chart ?? false,
    async setEnabled(userId, enabled) {
      file.set("operators", String(userId), { userId, chart: enabled });
      await file.commit();
    },
    close: () => file.close(),
  };
}
