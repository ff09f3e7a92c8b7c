import type { Credentials, Operator, Store, TeamRole } from "../store/index.js";
import { mayDo, type Permission, type Role } from "./roles.js";

/**
 * Who acts for an update, and for which premiumpay account: the owner (logged in with their own credentials), a
 * teammate acting for their owner's account, or a guest (neither). A teammate's account is `away` while the owner
 * is logged out or premiumpay refuses the owner's credentials.
 */
export type Actor =
  | { kind: "owner"; userId: number; accountId: number; role: "owner" }
  | {
      kind: "teammate";
      userId: number;
      accountId: number;
      /** The premiumpay account (client id) they joined. */
      clientId: string;
      role: TeamRole;
      away: false | "logged-out" | "refused";
      /** Their name as stored (see names.ts): a later update showing another one refreshes it. */
      name: { firstName?: string; username?: string };
    }
  | { kind: "guest"; userId: number };

/** Why an actor may not do something: not logged in, their role does not allow it, or their owner is away. */
export type Denial = "login" | "role" | "owner-away";

/** The one place that says who acts for `userId`. Membership first: a teammate cannot log in to an account. */
export async function resolveActor(store: Store, userId: number): Promise<Actor> {
  const member = await store.getMember(userId);
  if (member) {
    const [owner, refused] = await Promise.all([
      store.getOperator(member.ownerId),
      store.credentialsRefused(member.ownerId),
    ]);
    // Logged in to another premiumpay account than the one the teammate joined: that one is not theirs to see.
    const away =
      !owner?.hasCredentials || owner.clientId !== member.clientId
        ? "logged-out"
        : refused
          ? "refused"
          : false;
    return {
      kind: "teammate",
      userId,
      accountId: member.ownerId,
      clientId: member.clientId,
      role: member.role,
      away,
      name: { firstName: member.firstName, username: member.username },
    };
  }
  if ((await store.getOperator(userId))?.hasCredentials) {
    return { kind: "owner", userId, accountId: userId, role: "owner" };
  }
  return { kind: "guest", userId };
}

export const roleOf = (actor: Actor): Role | undefined => (actor.kind === "guest" ? undefined : actor.role);

/** What stops `actor` from doing what `permission` covers, or undefined when they may. */
export function denialOf(actor: Actor, permission: Permission): Denial | undefined {
  if (actor.kind === "guest") return "login";
  if (!mayDo(actor.role, permission)) return "role";
  if (actor.kind === "teammate" && actor.away) return "owner-away";
  return undefined;
}

/** The credentials `actor` acts with, when `permission` allows; never handed to a teammate, only used for them. */
export async function actingCredentials(
  store: Store,
  actor: Actor,
  permission: Permission,
): Promise<Credentials | undefined> {
  if (actor.kind === "guest" || denialOf(actor, permission)) return undefined;
  return store.getCredentials(actor.accountId);
}

/**
 * The store as the background work (digest, alerts) sees it: a teammate with access reads as logged in to their
 * owner's account, so their own digest and alerts are built with the owner's credentials. Writes go to the
 * teammate's own settings as before.
 */
export function actingStore(store: Store): Store {
  const asActing = async (operator: Operator | undefined): Promise<Operator | undefined> => {
    if (!operator || operator.hasCredentials) return operator;
    const actor = await resolveActor(store, operator.telegramId);
    if (actor.kind !== "teammate" || denialOf(actor, "view")) return operator;
    const owner = await store.getOperator(actor.accountId);
    return owner?.clientId ? { ...operator, hasCredentials: true, clientId: owner.clientId } : operator;
  };
  return {
    ...store,
    getOperator: async (telegramId) => asActing(await store.getOperator(telegramId)),
    listOperators: async () =>
      Promise.all((await store.listOperators()).map(asActing)) as Promise<Operator[]>,
    async getCredentials(telegramId) {
      const actor = await resolveActor(store, telegramId);
      return actor.kind === "teammate"
        ? actingCredentials(store, actor, "view")
        : store.getCredentials(telegramId);
    },
  };
}
