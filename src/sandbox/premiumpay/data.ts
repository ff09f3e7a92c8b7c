import type { SandboxJwt } from "./jwt.js";
import { hashSeed, type Random, seededRandom } from "./random.js";

export interface SandboxLink {
  name: string;
  /** The invite URL, `https://t.me/+…`. */
  link: string;
  /** 0 means unlimited, as in the API. */
  durationHours: number;
  requiresApproval: boolean;
  autoApproval: boolean;
  createdAt: Date;
}

export interface SandboxChannel {
  /** premiumpay's internal channel id; unique across all clients of one sandbox. */
  id: number;
  name: string;
  members: number;
  /** Every sale of a channel is in this currency at roughly this price. */
  currency: string;
  price: number;
  createdAt: Date;
  links: SandboxLink[];
}

export interface SandboxService {
  id: number;
  name: string;
  channelId: number;
}

export interface SandboxGateway {
  id: number;
  name: string;
  services: SandboxService[];
}

export interface SandboxSale {
  id: number;
  channelId: number;
  date: Date;
  amount: number;
  currency: string;
  country: string;
  paymentMethod: string;
  /** The invite URL the buyer came through; null for a direct sale. */
  invitationLink: string | null;
  gatewayId: number;
  serviceId: number;
}

export interface SandboxCreatedLink extends SandboxLink {
  channelId: number;
}

/** Stored exactly as received (the API's field names). */
export interface SandboxWelcomeMessage {
  message: string;
  invite_link?: string;
  button?: string;
  button_callback?: string;
}

export interface SandboxClientData {
  clientId: string;
  token: string;
  name: string;
  channels: SandboxChannel[];
  gateways: SandboxGateway[];
  /** Sorted by date. */
  sales: SandboxSale[];
  /** Links made through createPublicLink, in order (each is also in its channel's `links`). */
  createdLinks: SandboxCreatedLink[];
  /** The latest welcome message per channel id. */
  welcomeMessages: Map<number, SandboxWelcomeMessage>;
}

export interface SandboxState {
  /** Keyed by client id. */
  clients: Map<string, SandboxClientData>;
}

export interface NewSale {
  channelId: number;
  amount?: number;
  date?: Date;
  currency?: string;
  country?: string;
  paymentMethod?: string;
  invitationLink?: string | null;
  gatewayId?: number;
  serviceId?: number;
}

export const DATA_DAYS = 90;
const DAY_MS = 86_400_000;

export const startOfUtcDay = (date: Date) => Math.floor(date.getTime() / DAY_MS) * DAY_MS;

/** Payment methods people actually use per market; weights come from repetition. */
const MARKETS: readonly { country: string; methods: readonly string[] }[] = [
  { country: "ES", methods: ["card", "card", "paypal", "bizum"] },
  { country: "ES", methods: ["card", "bizum"] },
  { country: "MX", methods: ["card", "paypal", "oxxo"] },
  { country: "AR", methods: ["card", "mercadopago", "crypto"] },
  { country: "US", methods: ["card", "card", "paypal", "crypto"] },
  { country: "BR", methods: ["pix", "pix", "card", "crypto"] },
  { country: "CO", methods: ["card", "paypal"] },
  { country: "FR", methods: ["card", "paypal"] },
];
const CURRENCIES = ["EUR", "EUR", "USD", "BRL"] as const;
const PRICES = [4.99, 9.99, 14.99, 19.99, 29.99, 49] as const;
const GATEWAYS = ["Stripe", "PayPal", "CoinGate"] as const;
const LINK_NAMES = ["main", "instagram", "tiktok", "twitter", "youtube", "promo-summer"] as const;

const DEMO_CHANNELS = [
  "Trading Signals VIP",
  "Fitness Premium",
  "Crypto Academy",
  "Recetas Secretas",
  "Fotografía Pro",
  "Idiomas Express",
];
/** Names a bot must escape or isolate before putting them in an HTML message or a template. */
const HOSTILE_CHANNELS = [
  "<b>bold</b> VIP",
  "Closing </a> tag & co",
  "Tom &amp; Jerry <script>alert(1)</script>",
  "{ $x } placeholder {{name}}",
  "🔥 Hot Deals 🚀👩‍👩‍👧",
  "قناة النخبة المميزة",
  "ערוץ פרימיום VIP",
];
const HOSTILE_LINKS = ["<i>promo</i>", "</a><a href=x>", "&amp;", "{ $name }", "🎁 gift", "عرض خاص", "קישור"];

/** The gateway that would process a payment method; crypto and PayPal have their own. */
function gatewayNameFor(method: string): (typeof GATEWAYS)[number] {
  if (method === "crypto") return "CoinGate";
  return method === "paypal" ? "PayPal" : "Stripe";
}

export interface World {
  state: SandboxState;
  addClient(input: {
    name: string;
    prefix: string;
    channelNames: string[];
    linkNames?: readonly string[];
  }): SandboxClientData;
  addSale(clientId: string, sale: NewSale): SandboxSale;
  /** Fills a client's last DATA_DAYS days with sales, `perDay` = [min, max] per channel and day. */
  seedSales(client: SandboxClientData, perDay: [number, number]): void;
  newLink(name: string, createdAt: Date): SandboxLink;
  client(clientId: string): SandboxClientData;
}

export function createWorld(seed: number, jwt: SandboxJwt, now: () => Date): World {
  const random: Random = seededRandom(seed);
  const state: SandboxState = { clients: new Map() };
  const ids = { channel: 1001, gateway: 1, service: 101, sale: 1 };

  const newLink = (name: string, createdAt: Date): SandboxLink => ({
    name,
    link: `https://t.me/+${random.token(16)}`,
    durationHours: 0,
    requiresApproval: false,
    autoApproval: false,
    createdAt,
  });

  function client(clientId: string): SandboxClientData {
    const data = state.clients.get(clientId);
    if (!data) throw new Error(`no sandbox client ${clientId}`);
    return data;
  }

  function addClient(input: {
    name: string;
    prefix: string;
    channelNames: string[];
    linkNames?: readonly string[];
  }): SandboxClientData {
    const created = new Date(startOfUtcDay(now()) - 400 * DAY_MS);
    const linkNames = input.linkNames ?? LINK_NAMES;
    const channels = input.channelNames.map((name, index): SandboxChannel => {
      // The first channel of a client gets a single link, the others 2–4, so both cases exist.
      const linkCount = input.linkNames === undefined && index === 0 ? 1 : random.int(2, 4);
      // Standard names start at "main" on every channel; custom names rotate so all of them get used.
      const start = input.linkNames === undefined ? 0 : index;
      const names = Array.from(
        { length: Math.min(linkCount, linkNames.length) },
        (_, k) => linkNames[(start + k) % linkNames.length]!,
      );
      return {
        id: ids.channel++,
        name,
        members: random.int(40, 12_000),
        // Rotating keeps every currency present in each client with four channels or more.
        currency: CURRENCIES[index % CURRENCIES.length]!,
        price: random.pick(PRICES),
        createdAt: created,
        links: names.map((linkName) => newLink(linkName, created)),
      };
    });
    const gateways = GATEWAYS.map(
      (gatewayName): SandboxGateway => ({
        id: ids.gateway++,
        name: gatewayName,
        services: channels.map((channel) => ({
          id: ids.service++,
          name: `${channel.name} – ${gatewayName}`,
          channelId: channel.id,
        })),
      }),
    );
    const clientId = `${input.prefix}-${random.token(8)}`;
    const data: SandboxClientData = {
      clientId,
      token: jwt.sign(clientId),
      name: input.name,
      channels,
      gateways,
      sales: [],
      createdLinks: [],
      welcomeMessages: new Map(),
    };
    state.clients.set(clientId, data);
    return data;
  }

  function buildSale(data: SandboxClientData, sale: NewSale): SandboxSale {
    const channel = data.channels.find((c) => c.id === sale.channelId);
    if (!channel) throw new Error(`channel ${sale.channelId} is not a channel of ${data.clientId}`);
    const paymentMethod = sale.paymentMethod ?? "card";
    const gateway =
      data.gateways.find((g) => g.id === sale.gatewayId) ??
      data.gateways.find((g) => g.name === gatewayNameFor(paymentMethod))!;
    const service = gateway.services.find((s) => s.channelId === channel.id)!;
    return {
      id: ids.sale++,
      channelId: channel.id,
      date: sale.date ?? now(),
      amount: sale.amount ?? channel.price,
      currency: sale.currency ?? channel.currency,
      country: sale.country ?? "ES",
      paymentMethod,
      invitationLink:
        sale.invitationLink === undefined ? (channel.links[0]?.link ?? null) : sale.invitationLink,
      gatewayId: gateway.id,
      serviceId: sale.serviceId ?? service.id,
    };
  }

  function addSale(clientId: string, input: NewSale): SandboxSale {
    const data = client(clientId);
    const sale = buildSale(data, input);
    data.sales.push(sale);
    data.sales.sort((a, b) => a.date.getTime() - b.date.getTime());
    return sale;
  }

  function seedSales(data: SandboxClientData, [min, max]: [number, number]): void {
    const end = now().getTime();
    const today = startOfUtcDay(now());
    for (let day = DATA_DAYS - 1; day >= 0; day--) {
      for (const channel of data.channels) {
        // Per channel and day, so adding a channel does not reshuffle the others' sales.
        const daily = seededRandom(hashSeed(seed, channel.id, day));
        const count = daily.int(min, max);
        for (let n = 0; n < count; n++) {
          const date = new Date(today - day * DAY_MS + Math.floor(daily.next() * DAY_MS));
          if (date.getTime() > end) continue;
          const market = daily.pick(MARKETS);
          const viaLink = daily.next() < 0.85 && channel.links.length > 0;
          data.sales.push(
            buildSale(data, {
              channelId: channel.id,
              date,
              // One sale in ten used a half-price promo.
              amount: daily.next() < 0.1 ? Math.round(channel.price * 50) / 100 : channel.price,
              country: market.country,
              paymentMethod: daily.pick(market.methods),
              invitationLink: viaLink ? daily.pick(channel.links).link : null,
            }),
          );
        }
      }
    }
    data.sales.sort((a, b) => a.date.getTime() - b.date.getTime());
  }

  return { state, addClient, addSale, seedSales, newLink, client };
}

/** The three standard accounts: a demo operator, a bulk one (pagination) and one with hostile names. */
export function seedStandardClients(world: World): SandboxClientData[] {
  const demo = world.addClient({ name: "Demo Operator", prefix: "demo", channelNames: DEMO_CHANNELS });
  world.seedSales(demo, [2, 6]);
  const bulk = world.addClient({
    name: "Bulk Channels Ltd",
    prefix: "bulk",
    channelNames: Array.from({ length: 30 }, (_, i) => `Channel ${String(i + 1).padStart(2, "0")}`),
  });
  world.seedSales(bulk, [0, 3]);
  const hostile = world.addClient({
    name: "Hostile <Names> & Co",
    prefix: "edge",
    channelNames: HOSTILE_CHANNELS,
    linkNames: HOSTILE_LINKS,
  });
  world.seedSales(hostile, [1, 3]);
  return [demo, bulk, hostile];
}
