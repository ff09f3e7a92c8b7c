import { isDeepStrictEqual } from "node:util";
import { type AlertStateCounts, type AlertStateSnapshot, countAlertState } from "./alerts.js";
import { CredentialsDamagedError } from "./errors.js";
import type {
  AuditSnapshot,
  ConfirmedActionRecord,
  CredentialDefaults,
  Operator,
  Store,
  TeamSnapshot,
} from "./types.js";

/** Teammates, invitations (of any state) and owners whose credentials premiumpay refused. */
export interface TeamCounts {
  members: number;
  invitations: number;
  refused: number;
}
/** Audit log entries and team group links. */
export interface AuditCounts {
  entries: number;
  groups: number;
}

export interface CopyReport {
  operators: number;
  loggedIn: number;
  flows: number;
  /** Confirmed-action records (they keep a redelivered confirm from running its action again). */
  actions: number;
  /** Operators whose token could not be decrypted in the source: their settings were copied, they must /login. */
  damagedTokens: number;
  /** The alert state: settings, pollers' accounts, sales waiting, notices waiting, sent marks. */
  alerts: AlertStateCounts;
  team: TeamCounts;
  audit: AuditCounts;
  /** Counts of the target afterwards, to compare with the source's. */
  target: {
    operators: number;
    loggedIn: number;
    flows: number;
    actions: number;
    alerts: AlertStateCounts;
    team: TeamCounts;
    audit: AuditCounts;
  };
  /** Operators (settings or times), confirmed actions, alert, team and audit records that differ between source and target. */
  mismatches: number;
}

/** Every flow key: an age limit in the future makes every flow "older than" it. */
const EVERY_FLOW_MS = -365 * 24 * 60 * 60 * 1000;

/** What must match after a copy: the settings and the operator's creation and last-change times. */
const settingsOf = (operator: Operator) =>
  JSON.stringify([
    operator.createdAt,
    operator.updatedAt,
    operator.clientId ?? null,
    operator.hasCredentials,
    operator.locale ?? null,
    operator.timezone ?? null,
    operator.digest,
    operator.lastChannelId,
  ]);

/**
 * Copies operators (settings and premiumpay credentials) and flows in progress from one store to another through
 * the Store interface, so any backend moves to any other. Secrets are opened with the key ring and sealed again by
 * the target; nothing here prints or returns one. Running it again gives the same target: it only overwrites.
 * Confirmed actions go as they are, so a confirm Telegram redelivers after the move still does not run twice;
 * each operator's times are set last, after the writes that stamp them. The alert state (settings, watermarks,
 * outboxes and sent marks) is copied as it is, so the target's poller carries on where the source's stopped. Team
 * data (members, invitations with their code hashes and states, refused-credentials marks), the audit log (original
 * times and keys) and the team group links go as they are too, replacing records by id; only their counts are
 * reported. Run it with the bot stopped.
 */
export async function copyStore(source: Store, target: Store): Promise<CopyReport> {
  const operators = await source.listOperators();
  const damaged = new Set<number>();
  for (const operator of operators) {
    if (!(await copyOperator(source, target, operator))) damaged.add(operator.telegramId);
  }
  const actions = await source.listConfirmedActions();
  await target.putConfirmedActions(actions);
  const flows = await copyFlows(source, target);

  const alertState = await source.exportAlertState();
  await target.importAlertState(alertState, "replace");
  const team = await source.exportTeam();
  await target.importTeam(team);
  const audit = await source.exportAudit();
  await target.importAudit(audit);

  const copied = await target.listOperators();
  const copiedAlerts = await target.exportAlertState();
  const copiedTeam = await target.exportTeam();
  const copiedAudit = await target.exportAudit();
  const copiedActions = await target.listConfirmedActions();
  const mismatches =
    operatorMismatches(operators, copied, damaged) +
    alertMismatches(alertState, copiedAlerts) +
    teamMismatches(team, copiedTeam) +
    auditMismatches(audit, copiedAudit) +
    differing(actions, copiedActions, (record: ConfirmedActionRecord) => record.actionId);
  return {
    operators: operators.length,
    loggedIn: operators.filter((operator) => operator.hasCredentials).length,
    flows,
    actions: actions.length,
    damagedTokens: damaged.size,
    alerts: countAlertState(alertState),
    team: countTeam(team),
    audit: countAudit(audit),
    target: {
      alerts: countAlertState(copiedAlerts),
      team: countTeam(copiedTeam),
      audit: countAudit(copiedAudit),
      operators: copied.length,
      loggedIn: copied.filter((operator) => operator.hasCredentials).length,
      flows: (await target.conversations.listExpired(EVERY_FLOW_MS)).length,
      actions: copiedActions.length,
    },
    mismatches,
  };
}

/**
 * Copies one operator's credentials (when they open), settings and, last, times. False when the source's token is
 * damaged: the settings still go, and the operator must /login again.
 */
async function copyOperator(source: Store, target: Store, operator: Operator): Promise<boolean> {
  let credentials: Awaited<ReturnType<Store["getCredentials"]>>;
  let tokenOpens = true;
  try {
    credentials = await source.getCredentials(operator.telegramId);
  } catch (error) {
    if (!(error instanceof CredentialsDamagedError)) throw error;
    tokenOpens = false;
  }
  if (credentials) {
    const defaults: CredentialDefaults = {
      timezone: operator.timezone ?? "UTC",
      digestTime: operator.digest.time,
      ...(operator.locale ? { locale: operator.locale } : {}),
    };
    await target.saveCredentials(operator.telegramId, credentials, defaults);
  }
  await target.updateOperator(operator.telegramId, {
    ...(operator.locale ? { locale: operator.locale } : {}),
    ...(operator.timezone ? { timezone: operator.timezone } : {}),
    lastChannelId: operator.lastChannelId,
    digest: operator.digest,
  });
  const { createdAt, updatedAt } = operator;
  await target.setOperatorTimes(operator.telegramId, { createdAt, updatedAt });
  return tokenOpens;
}

/** Copies every flow in progress; returns how many (a damaged one reads as none and is left behind). */
async function copyFlows(source: Store, target: Store): Promise<number> {
  let flows = 0;
  for (const key of await source.conversations.listExpired(EVERY_FLOW_MS)) {
    const state = await source.conversationStorage.read(key);
    if (state === undefined) continue;
    await target.conversationStorage.write(key, state);
    flows++;
  }
  return flows;
}

/** Operators of the source whose settings or times differ in the target (one with a damaged token is not compared). */
function operatorMismatches(operators: Operator[], copied: Operator[], damaged: ReadonlySet<number>): number {
  const bySource = new Map(operators.map((operator) => [operator.telegramId, settingsOf(operator)]));
  return copied.filter((operator) => {
    const expected = bySource.get(operator.telegramId);
    return expected !== undefined && !damaged.has(operator.telegramId) && expected !== settingsOf(operator);
  }).length;
}

/** The copy is complete when the target holds exactly the source's records (operators, logins, flows, actions,
 * alert state, team, audit log and group links) with nothing differing. */
export function copyVerified(report: CopyReport): boolean {
  return (
    report.mismatches === 0 &&
    report.target.operators === report.operators &&
    report.target.loggedIn === report.loggedIn - report.damagedTokens &&
    report.target.flows === report.flows &&
    report.target.actions === report.actions &&
    isDeepStrictEqual(report.target.alerts, report.alerts) &&
    isDeepStrictEqual(report.target.team, report.team) &&
    isDeepStrictEqual(report.target.audit, report.audit)
  );
}

/** How many of `records` the target's `copies` do not hold exactly (matched by `idOf`). */
function differing<T>(records: T[], copies: T[], idOf: (record: T) => string): number {
  const byId = new Map(copies.map((copy) => [idOf(copy), copy]));
  return records.filter((record) => !isDeepStrictEqual(byId.get(idOf(record)), record)).length;
}

/** Records of the source's alert state that the target does not hold exactly (sales compared as values). */
function alertMismatches(source: AlertStateSnapshot, target: AlertStateSnapshot): number {
  const operatorId = (record: { telegramId: number }) => String(record.telegramId);
  return (
    differing(source.settings, target.settings, operatorId) +
    differing(source.accounts, target.accounts, (account) => account.clientId) +
    differing(source.outboxes, target.outboxes, operatorId)
  );
}

const countTeam = (team: TeamSnapshot): TeamCounts => ({
  members: team.members.length,
  invitations: team.invitations.length,
  refused: team.refused.length,
});
const countAudit = (audit: AuditSnapshot): AuditCounts => ({
  entries: audit.entries.length,
  groups: audit.groups.length,
});

/** Members, invitations and refused marks of the source that the target does not hold exactly. */
function teamMismatches(source: TeamSnapshot, target: TeamSnapshot): number {
  return (
    differing(source.members, target.members, (member) => String(member.telegramId)) +
    differing(source.invitations, target.invitations, (invitation) => invitation.id) +
    differing(source.refused, target.refused, (mark) => String(mark.ownerId))
  );
}

/** Audit entries (by account and key) and group links (by account) of the source the target does not hold exactly. */
function auditMismatches(source: AuditSnapshot, target: AuditSnapshot): number {
  return (
    differing(source.entries, target.entries, (entry) => `${entry.account}:${entry.key}`) +
    differing(source.groups, target.groups, (group) => String(group.account))
  );
}
