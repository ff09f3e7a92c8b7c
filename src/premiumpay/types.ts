/** Normalised results: whatever alias premiumpay used on the wire, callers see these shapes. */

export type Scalar = string | number | boolean | null;

export interface VersionInfo {
  status: string;
  version: string;
}

export interface StatusInfo {
  /** The server's own verdict: `status` is "ok". A "ko" here is an answer, not a failed call. */
  ok: boolean;
  status: string;
  rateLimit: Record<string, Scalar> | null;
}

export interface ChannelLink {
  name: string;
  url: string;
  raw: Record<string, unknown>;
}

export interface Channel {
  id: number;
  /** Empty when premiumpay sent no name (for example when `channelFields` left it out). */
  name: string;
  /** Empty unless `includeLinks` was asked for. */
  links: ChannelLink[];
  raw: Record<string, unknown>;
}

export interface Sale {
  amount: number;
  currency: string | null;
  date: Date | null;
  country: string | null;
  paymentMethod: string | null;
  invitationLink: string | null;
  raw: Record<string, unknown>;
}

export interface AggregatedRow {
  key: string;
  count: number;
  amount: number;
  currency: string | null;
}

export interface GatewayService {
  id: number;
  name: string;
  /** The channel the service sells, when premiumpay says (the sandbox does). */
  channelId?: number;
}

export interface Gateway {
  id: number;
  name: string;
  /** Empty unless `includeServices` was asked for. */
  services: GatewayService[];
}

/** One flat row of channel results; premiumpay decides the columns. */
export type ChannelResult = Record<string, Scalar>;

export interface PublicLink {
  name: string;
  url: string;
  durationHours: number | null;
  requiresApproval: boolean | null;
  autoApproval: boolean | null;
  raw: Record<string, unknown>;
}

export interface WelcomeMessageResult {
  ok: true;
  raw: unknown;
}

export type AggregateField = "country" | "payment_method" | "service";

export interface DateRange {
  from: Date;
  to: Date;
}

export interface SalesParams extends DateRange {
  gatewayId?: number;
  serviceId?: number;
}

export interface GatewaysParams {
  includeServices?: boolean;
}

export interface AggregatedSalesParams extends DateRange {
  by?: AggregateField;
}

export interface ChannelsParams {
  includeLinks?: boolean;
  linkNames?: string[];
  excludeLinkNames?: boolean;
  channelFields?: string[];
  linkFields?: string[];
  consolidateLinks?: boolean;
}

export interface ChannelRangeParams extends DateRange {
  channelId: number;
  invitationLink?: string;
}

export interface CreatePublicLinkParams {
  channelId: number;
  name: string;
  durationHours?: number;
  requiresApproval?: boolean;
  autoApproval?: boolean;
}

export interface SetWelcomeMessageParams {
  channelId: number;
  message: string;
  inviteLink?: string;
  buttonText?: string;
  buttonUrl?: string;
}
