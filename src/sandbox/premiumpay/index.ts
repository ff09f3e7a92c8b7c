/**
 * A local premiumpay: the ten endpoints over real HTTP, seeded data, and fault knobs for tests.
 *
 * Choices where the API page is silent:
 * - An unknown channel id, or another client's, answers 404 `{"status":"ko","error":"Channel not found"}`;
 *   an `invitation_link` (URL or link name) the channel lacks answers 404 "Invitation link not found".
 * - Empty lists answer HTTP 200 `{"status":"ko","error":"No data"}`, like the real API.
 * - Date ranges include both ends; dates with milliseconds or an offset are accepted.
 * - Each channel sells in one currency; aggregated rows are per key and currency, e.g.
 *   `{ country: "ES", count: 12, amount: 123.4, currency: "EUR" }`, so currencies are never summed.
 * - Without `aggregate_field`, sales are aggregated by country.
 * - `consolidate_links: "yes"` adds `sales` and `amount` (all-time totals) to each link.
 * - Channel results: one row per UTC day of the range within the last 90 days:
 *   `{ date, channel_id, invitation_link, joins, leaves, sales, amount, currency }`.
 * - Faults answer before authentication is checked; every request is logged first.
 * - GET /status reports a per-client limit per UTC minute (default 120), enforced with 429 only when asked.
 * - New sales over time come from the generator (seeded; rate, bursts, late and out-of-order timestamps), off
 *   unless started; the control API under /_sandbox/ (control.ts) drives it from another process.
 */

export { CONTROL_PREFIX } from "./control.js";
export type {
  NewSale,
  SandboxChannel,
  SandboxClientData,
  SandboxCreatedLink,
  SandboxGateway,
  SandboxLink,
  SandboxSale,
  SandboxService,
  SandboxState,
  SandboxWelcomeMessage,
} from "./data.js";
export { type SandboxFault, SandboxFaults } from "./faults.js";
export type { AppearedSale, SaleGenerator, SaleGeneratorOptions } from "./generator.js";
export {
  type PremiumpaySandbox,
  type PremiumpaySandboxOptions,
  type SandboxAccount,
  type SandboxRequest,
  startPremiumpaySandbox,
} from "./server.js";
