# The team group (/connect in a group, /group in private) and the audit log (/audit). Telegram HTML; variables arrive escaped.

groups-added = Hello! I work in private chats. The owner of a premiumpay account who administers this group can send /connect here: the group then gets the daily digest and sales alerts, read-only.

team-group-connect-private = Send /connect <b>in the group</b> you want to connect, after adding me to it. You must be an administrator there.
team-group-connect-no-account = Only the owner of a premiumpay account can connect this group: log in with me in a private chat first, then send /connect here again.
team-group-connect-not-admin = Only an administrator of this group can connect it.
team-group-connect-taken = This group is already connected to another premiumpay account.
team-group-connect-already = This group is already connected to your account. Change what it receives with /group in a private chat with me.
team-group-connected = ✅ This group is now connected to the premiumpay account of { $name }. It gets the daily digest and sales alerts here; I answer no commands in this group.
team-group-connected-owner = ✅ The group <b>{ $group }</b> is connected: it gets your daily digest and sales alerts. Send /group to choose what it receives.
team-group-connected-owner-replaced = ✅ The group <b>{ $group }</b> is connected instead of <b>{ $previous }</b>: it gets your daily digest and sales alerts. Send /group to choose what it receives.

team-group-none = No group is connected. Add me to your team's Telegram group, then send /connect there (you must be an administrator of the group).
team-group-title = <b>Team group: { $group }</b>
team-group-digest-on = 🗞 Daily digest: <b>on</b>
team-group-digest-off = 🗞 Daily digest: <b>off</b>
team-group-alerts-on = 🔔 Sales alerts: <b>on</b>
team-group-alerts-off = 🔔 Sales alerts: <b>off</b>
team-group-follows = The group gets a copy of your own digest and alerts, with your settings (/digest, /alerts), while they are on for you. It never gets buttons.
team-group-button-digest-on = 🗞 Send the digest to the group
team-group-button-digest-off = 🗞 Stop the digest in the group
team-group-button-alerts-on = 🔔 Send alerts to the group
team-group-button-alerts-off = 🔔 Stop alerts in the group
team-group-button-disconnect = 🔌 Disconnect
team-group-button-done = ✅ Done
team-group-disconnected = 🔌 The group <b>{ $group }</b> is disconnected: it gets nothing more from me.
team-group-disconnected-group = 🔌 This group was disconnected from its premiumpay account: it gets nothing more from me.
team-group-off-bot-removed = 🔌 I was removed from the group <b>{ $group }</b>, so it is disconnected: it gets no digest or alerts. Add me again and send /connect there to reconnect it.
team-group-off-admin-lost = 🔌 You are no longer an administrator of the group <b>{ $group }</b>, so it is disconnected: it gets no digest or alerts. Send /connect there again once you are an administrator.

audit-title = <b>Audit log</b> · page { $page } of { $pages } · { $total ->
        [one] 1 entry
       *[other] { $total } entries
    } · times in { $timezone }
audit-empty = The audit log is empty: logins, logouts, public links, welcome messages and team group changes are recorded here.
audit-line = <code>{ $date } { $time }</code> · { $who } · { $what }
audit-you = you
audit-newer = ⬅️ Newer
audit-older = Older ➡️
audit-csv = 📤 CSV
audit-close = ✖️ Close
audit-action-login = 🔑 Logged in (client id { $clientId })
audit-action-logout = 🚪 Logged out
audit-action-public_link_created = 🔗 Public link “{ $linkName }” created in { $channel }
audit-action-welcome_set = 👋 Welcome message set in { $channel }
audit-action-group_connected = 👥 Group “{ $group }” connected
audit-action-group_disconnected = 🔌 Group “{ $group }” disconnected ({ $reason ->
        [bot-removed] the bot was removed
        [admin-lost] no longer an administrator
        [logout] logged out
        [replaced] another group connected
       *[owner] by the owner
    })
audit-action-member_invited = ✉️ Invitation as { $role }
audit-action-invitation_revoked = ✖️ Invitation revoked
audit-action-member_joined = ➕ { $member } joined as { $role }
audit-action-role_changed = 🔁 { $member }: { $previousRole } → { $role }
audit-action-member_removed = ➖ { $member } removed
audit-action-member_left = 🚶 { $member } left
audit-column-local-time = Local time ({ $zone })
audit-column-utc-time = UTC time
audit-column-actor = Telegram id
audit-column-actor-name = Name
audit-column-action = Action
audit-column-details = Details
