/** A local premiumpay: the ten endpoints over real HTTP, seeded data, and fault knobs for tests. */
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
export {
  type PremiumpaySandbox,
  type PremiumpaySandboxOptions,
  type SandboxAccount,
  type SandboxRequest,
  startPremiumpaySandbox,
} from "./server.js";
