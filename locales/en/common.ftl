# Shared texts: menu, help, errors, commands. Every message is Telegram HTML; variables arrive escaped.

commands =
    .start = Open the main menu
    .menu = Show the main menu
    .channels = Your channels and their links
    .login = Log in again or switch premiumpay account
    .team = Your team: invite teammates, roles, leave
    .link = Create a public link for a channel
    .welcome = Set a channel's welcome message
    .sales = Today's sales of a channel
    .results = Channel results for a period
    .links = Which invitation links bring paying members
    .report = Sales reports by country, method or service
    .digest = Daily sales digest settings
    .alerts = Sales alerts: a message for every new sale
    .group = Team group: digest and alerts in a group
    .audit = Audit log: who did what
    .connect = Connect this group to your premiumpay account (owner, administrator)
    .account = Your premiumpay account
    .language = Change language
    .timezone = Change time zone
    .logout = Log out and delete your data
    .help = What this bot can do
    .cancel = Cancel the current action

menu-title = <b>premiumpay</b> · what would you like to do?
menu-channels = 📋 Channels
menu-link = 🔗 New public link
menu-welcome = 👋 Welcome message
menu-sales = 💰 Today's sales
menu-report = 📊 Reports
menu-links = 🔗 Link performance
menu-digest = 🗞 Daily digest
menu-alerts = 🔔 Sales alerts
menu-account = 👤 Account
menu-language = 🌐 Language

start-greeting = Hello, { $name }! I help you run your paid channels on premiumpay from Telegram.

help-title = <b>What I can do</b>
help-line-start = /start — the greeting and the main menu
help-line-menu = /menu — the main menu
help-line-channels = /channels — your channels and how many links each has
help-line-link = /link — create a public invite link for a channel
help-line-welcome = /welcome — set the personal welcome message new members receive
help-line-sales = /sales — today's sales of a channel, compared with yesterday
help-line-results = /results — a channel's results for a period
help-line-report = /report — sales by country, payment method or service
help-line-links = /links — which invitation links bring paying members
help-line-digest = /digest — a daily sales summary at the hour you choose
help-line-alerts = /alerts — a message for every new sale, with your filters and quiet hours
help-line-group = /group — the team group that gets your digest and alerts (/connect in the group)
help-line-audit = /audit — who did what on your account
help-line-account = /account — your premiumpay account and API status
help-line-language = /language — the language I talk to you in
help-line-timezone = /timezone — the time zone of your days, reports and digest
help-line-login = /login — log in again (an expired token) or switch account
help-line-team = /team — invite teammates and set their roles, or leave a team
help-line-logout = /logout — log out and delete everything I store about you
help-line-help = /help — this list
help-line-cancel = /cancel — stop the current action at any step

button-cancel = ✖️ Cancel
button-retry = 🔄 Try again
button-back = ⬅️ Back
button-menu = ☰ Menu

cancelled = Cancelled. Nothing was changed.
nothing-to-cancel = There is nothing to cancel.

not-allowed = Sorry, this bot is private. Ask its owner to add your Telegram id ({ $id }).
need-login = You are not logged in. Send /login to log in with your premiumpay credentials.
unknown-input = I did not understand that. Use the menu or /help.
button-expired = This button has expired. Send /start for a fresh menu.
flow-expired = Your unfinished action was closed after { $minutes } minutes without a reply. Nothing was changed.
error-generic = Something went wrong on my side. Please try again in a moment.
error-not-saved = ⚠️ Your change was <b>not saved</b>: I cannot write my data right now. Nothing was changed; please try again later.
error-credentials-damaged = Your saved premiumpay login can no longer be read on my side. Please send /login to log in again; your settings are kept.
flow-damaged = Your unfinished action could not be resumed after a restart and was closed. Nothing was changed; please start it again.

error-premiumpay-auth = premiumpay no longer accepts your credentials (the token may have expired). Send /login to log in again.
error-premiumpay-rate-limited = premiumpay is limiting requests right now. Please try again { $seconds ->
        [0] in a moment.
       *[other] in { $seconds } s.
    }
error-premiumpay-unavailable = premiumpay cannot be reached right now. Please try again in a moment.
error-premiumpay-rejected = premiumpay refused the request: { $message }
error-premiumpay-bad-response = premiumpay answered in a way I do not understand. Please try again later.
error-premiumpay-invalid-request = That request is not valid for premiumpay. Please check the values and try again.
flow-interrupted = ⏹ I closed the unfinished action. Nothing was changed.
screen-use-buttons = Please use the buttons above, or /cancel.
screen-need-text = Please send it as a text message, or /cancel.
flow-expired-release = Your unfinished action was closed because the bot was updated. Nothing was changed.
