/** `npm run sandbox`: a premiumpay sandbox for local runs of the bot. */
import { startPremiumpaySandbox } from "./server.js";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

const salesPerMinute = intFromEnv("SANDBOX_SALES_PER_MINUTE", 0);
const sandbox = await startPremiumpaySandbox({
  port: intFromEnv("PREMIUMPAY_SANDBOX_PORT", 4010),
  seed: intFromEnv("SANDBOX_SEED", 1),
  rateLimitPerMinute: intFromEnv("SANDBOX_RATE_LIMIT", 120),
  enforceRateLimit: process.env.SANDBOX_ENFORCE_RATE_LIMIT === "1",
  ...(salesPerMinute > 0 ? { generateSales: { salesPerMinute } } : {}),
});

console.log(`premiumpay sandbox listening on ${sandbox.url}`);
console.log(`PREMIUMPAY_API_URL=${sandbox.url}`);
console.log(`demo client id: ${sandbox.demoClient.clientId}`);
console.log(`demo token:     ${sandbox.demoClient.token}`);
console.log(
  salesPerMinute > 0
    ? `new sales: ${salesPerMinute} a minute (SANDBOX_SALES_PER_MINUTE)`
    : "new sales: off (set SANDBOX_SALES_PER_MINUTE, or POST /_sandbox/generator)",
);
for (const client of sandbox.clients.slice(1))
  console.log(`other client:   ${client.name} → ${client.clientId}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
