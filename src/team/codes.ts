import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** 144 random bits, base64url: 24 characters, within a /start payload's 64 [A-Za-z0-9_-]. */
const CODE_BYTES = 18;
export const INVITATION_TTL_MS = 24 * 60 * 60 * 1000;

export const invitationCodeSchema = z.string().regex(/^[A-Za-z0-9_-]{24}$/);

/** What is stored of a code: its SHA-256, so the stored data cannot be used to join. */
export const hashInvitationCode = (code: string): string => createHash("sha256").update(code).digest("hex");

export interface NewCode {
  code: string;
  codeHash: string;
  /** The invitation's id for buttons: random too, unrelated to the code. */
  id: string;
}

export function newInvitationCode(): NewCode {
  const code = randomBytes(CODE_BYTES).toString("base64url");
  return { code, codeHash: hashInvitationCode(code), id: randomBytes(6).toString("base64url") };
}
