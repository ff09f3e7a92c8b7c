import type { BotDeps } from "./context.js";
import type { Outcome } from "./errors.js";
import { withPremiumpay } from "./operator.js";

/** What a flow keeps of a channel: small and JSON-safe, because conversation state is persisted. */
export interface PickedChannel {
  id: number;
  name: string;
  links: { name: string; url: string }[];
}

/** Fetches the operator's channels with their links, as a JSON-safe outcome (runs inside `conversation.external`). */
export function fetchChannels(deps: BotDeps, userId: number): Promise<Outcome<PickedChannel[]>> {
  return withPremiumpay(deps, userId, async (client) =>
    (await client.channels({ includeLinks: true })).map((channel) => ({
      id: channel.id,
      name: channel.name || `#${channel.id}`,
      links: channel.links.map((link) => ({ name: link.name, url: link.url })),
    })),
  );
}
