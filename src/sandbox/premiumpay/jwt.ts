import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** HS256 tokens like premiumpay's, signed with a secret derived from the seed (never stored in source). */
export interface SandboxJwt {
  sign(clientId: string): string;
  /** The client id the token was issued to, or null when it is not a token we signed. */
  verify(token: string): string | null;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

// A fixed issue time keeps tokens identical across runs with the same seed, handy for the demo.
const ISSUED_AT = 1_735_689_600;

export function sandboxJwt(seed: number): SandboxJwt {
  const secret = createHash("sha256").update(`premiumpay-sandbox:${seed}`).digest();
  const signature = (input: string) => createHmac("sha256", secret).update(input).digest();
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

  return {
    sign(clientId) {
      const payload = base64url(
        JSON.stringify({ iss: "premiumpay-sandbox", sub: clientId, client_id: clientId, iat: ISSUED_AT }),
      );
      return `${header}.${payload}.${base64url(signature(`${header}.${payload}`))}`;
    },
    verify(token) {
      const [head, payload, sig, ...rest] = token.split(".");
      if (!head || !payload || sig === undefined || rest.length > 0) return null;
      const expected = signature(`${head}.${payload}`);
      const given = Buffer.from(sig, "base64url");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
        const clientId = (claims as { client_id?: unknown }).client_id;
        return typeof clientId === "string" ? clientId : null;
      } catch {
        return null;
      }
    },
  };
}
