# Sent at most once a minute to a chat whose messages arrive faster than the bot can serve them.

flood-slow-down = ✋ You are sending messages too fast, so I skipped some of them. Please wait a moment, then send your last request again.
