/**
 * PostgreSQL advisory lock keys of the bot, in the two-int4 form (a key space apart from node-pg-migrate's one-bigint
 * migration lock). The first int names what is locked.
 */
export const LEADER_LOCK = [0x7070_6200, 1] as const;
/** The second int is hashint8(chat id), computed by PostgreSQL; two chats sharing a hash merely wait for each other. */
export const CHAT_LOCK_CLASS = 0x7070_6201;
/** Transaction-scoped, with hashint8(Telegram id): one user's joins, one at a time across invitations. */
export const TEAM_JOIN_LOCK_CLASS = 0x7070_6202;
/** Transaction-scoped, with hashint8(Telegram id): every read-modify-write of one operator's alert outbox. */
export const ALERT_OUTBOX_LOCK_CLASS = 0x7070_6203;

/**
 * Session settings of the connections holding locks: the server notices a replica that vanished without closing
 * its socket (power cut, network split) within about 8 s and frees its locks, and a lock waited on for longer than
 * `lockTimeoutMs` fails instead of piling up.
 */
export function lockSessionOptions(lockTimeoutMs = 0): string {
  return `-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=1 -c tcp_keepalives_count=3 -c lock_timeout=${lockTimeoutMs}`;
}
