# /team, invitations (/start <code>) and the notes teammates and owners get. Every message is Telegram HTML.
team-title = <b>👥 Team of account <code>{ $account }</code></b>
team-members = Teammates:
team-no-members = No teammates yet. Invite one: they will act for this account without ever seeing its token.
team-member-line = • { $who } · { $role ->
    [manager] manager
   *[viewer] viewer
}
team-invitations = Pending invitations:
team-invitation-line = • { $role ->
    [manager] manager
   *[viewer] viewer
}, expires in { $hours } h
team-button-invite = ➕ Invite a teammate
team-button-member = 👤 { $who } · { $role ->
    [manager] manager
   *[viewer] viewer
}
team-button-revoke = ✖ Revoke the { $role ->
    [manager] manager
   *[viewer] viewer
} invitation
team-button-close = Close
team-button-back = ← Back
team-closed = Team: closed.
team-role-viewer = 👀 Viewer
team-role-manager = 🛠 Manager
team-invite-pick-role = Which role for the new teammate?
    • <b>Viewer</b>: sales, results, reports, link performance, exports, and their own digest and alerts.
    • <b>Manager</b>: everything a viewer does, plus public links and welcome messages.
team-invite-created = Invitation for a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>, valid 24 hours, usable once:
    { $link }
    Or they send me: <code>/start { $code }</code>
    Send it to your teammate privately. Anyone with it can join, so revoke it in /team if it goes astray.
team-invite-repeated = That invitation was already created by the same tap; its link is not shown again. If you lost it, revoke it in /team and invite anew.
team-member = Teammate { $who } is a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>.
team-button-set-role = Make { $role ->
    [manager] manager
   *[viewer] viewer
}
team-button-remove = Remove from the team
team-remove-confirm = Remove { $who } from the team? They lose access at once.
team-button-remove-yes = Yes, remove
team-removed = { $who } was removed from the team.
team-role-changed = { $who } is now a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>.
team-not-member = That user is not on your team (any more). Nothing changed.
team-revoked = The invitation was revoked: its link no longer works.
team-revoke-gone = That invitation was already used, revoked or expired. Nothing changed.
team-teammate = You are a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b> on the team of account <code>{ $account }</code>.
team-button-leave = Leave the team
team-leave-confirm = Leave the team of account <code>{ $account }</code>? You lose access at once; only a new invitation brings you back.
team-button-leave-yes = Yes, leave
team-left = You left the team.
team-denied-role = Your role on this team does not allow that. Ask the account's owner.
team-denied-owner-away = The account's owner has to log in again before the team can use it. Nothing was done.
team-logout-teammate = You are on a team, not logged in with credentials of your own. To leave the team, send /team.
team-note-role-changed = Your role on the team of account <code>{ $account }</code> is now <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>.
team-note-removed = You were removed from the team of account <code>{ $account }</code>. You no longer have access to it.
team-note-left = { $who } left your team.
team-note-joined = { $who } joined your team as a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>.
team-note-owner-refused = premiumpay refused the credentials of account <code>{ $account }</code>. The team has no access until its owner logs in again.
team-note-owner-logged-out = The owner of account <code>{ $account }</code> logged out. The team has no access until they log in again.
team-note-owner-back = The owner of account <code>{ $account }</code> logged in again: your team access is back.
team-note-owner-switched = The owner of account <code>{ $account }</code> logged in to another premiumpay account. The team has no access to <code>{ $account }</code> until they log in to it again.
join-ask = You are invited to join the team of premiumpay account <code>{ $account }</code> as a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b>. You will act with the owner's access, without seeing their credentials. Accept?
join-button-accept = ✅ Accept
join-button-decline = Decline
join-declined = Invitation declined. Nothing changed.
join-done = Welcome! You are now a <b>{ $role ->
    [manager] manager
   *[viewer] viewer
}</b> on the team of account <code>{ $account }</code>. Send /team to see it or leave it.
join-refused-unknown = This invitation code is not valid. Ask the account's owner for a new invitation.
join-refused-expired = This invitation has expired (they last 24 hours). Ask the account's owner for a new one.
join-refused-used = This invitation was already used: each works once. Ask the account's owner for a new one.
join-refused-revoked = This invitation was revoked by the account's owner.
join-refused-own-account = This is an invitation to your own account's team: send it to your teammate.
join-refused-member = You are already on a team. Leave it first with /team → Leave the team.
join-refused-logged-in = You are logged in with premiumpay credentials of your own. Send /logout first to join a team instead.
join-refused-owner-away = The account's owner is not logged in to it any more, so this invitation cannot be used. Ask them for a new one once they have logged in again.
