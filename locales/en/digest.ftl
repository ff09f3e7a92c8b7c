# Daily digest: the message itself and its /digest settings. Every message is Telegram HTML; variables arrive escaped.

digest-title = 🗞 <b>Your sales on { $date }</b>
digest-title-continued = 🗞 <b>Your sales on { $date }</b> (continued)
digest-channel-name = <b>{ $name }</b>
digest-channel-sales = { $count ->
        [0] No sales
        [one] 1 sale · { $totals }
       *[other] { $count } sales · { $totals }
    }
digest-change-day = vs the day before: { $change }
digest-change-week = vs a week earlier: { $change }
digest-change-new = new
digest-change-none = no sales either
digest-best-link = Best link: { $link } ({ $count ->
        [one] 1 sale
       *[other] { $count } sales
    })
digest-channel-failed = ⚠️ premiumpay did not answer for this channel; its figures are missing today.
digest-no-channels = None of the channels chosen for the digest exist any more. Choose them again with /digest.
digest-countries = <b>Top countries</b> (whole account): { $list }
digest-methods = <b>Payment methods</b> (whole account): { $list }
digest-aggregate-item = { $key } { $count } ({ $totals })
digest-aggregate-empty = no data
digest-aggregate-failed = ⚠️ premiumpay did not answer today
digest-footer = Change the time or the channels with /digest.
digest-login-again = 🗞 I could not prepare your daily digest: premiumpay no longer accepts your credentials (the token may have expired). Send /login to log in again; the digest resumes on its own.
digest-owner-login-again = 🗞 I could not prepare your daily digest: premiumpay no longer accepts the credentials of your team's account. The account's owner must log in again; the digest resumes on its own.

digest-settings-title = 🗞 <b>Daily sales digest</b>
digest-settings-status-on = Status: ✅ on
digest-settings-status-off = Status: ⏸ off
digest-settings-time = Time: <b>{ $time }</b> in { $timezone } (change the zone with /timezone)
digest-settings-channels-all = Channels: all
digest-settings-channels-chosen = Channels: { $chosen ->
        [one] 1 chosen
       *[other] { $chosen } chosen
    }
digest-button-on = ▶️ Turn on
digest-button-off = ⏸ Turn off
digest-button-time = 🕘 Change time
digest-button-channels = 📋 Choose channels
digest-button-preview = 👀 Send me a preview now
digest-button-done = ✅ Done
digest-button-all = All channels
digest-ask-time = At what local time ({ $timezone }) should the digest arrive? Pick one or type it as HH:MM, for example <code>07:30</code>.
digest-invalid-time = “{ $input }” is not a time. Type it as HH:MM between 00:00 and 23:59, for example <code>07:30</code>, or pick one below.
digest-choose-channels = Tap a channel to include it in the digest or leave it out. ✅ means included.
digest-channels-page = Page { $page } of { $pages }
digest-keep-one = Keep at least one channel, or turn the digest off.
digest-not-your-channel = That channel is not in your list.
digest-preview-sending = Preparing your preview…
digest-preview-failed = I could not prepare the preview: premiumpay cannot be reached right now. Please try again in a moment.
digest-settings-closed = Digest settings saved.
digest-settings-chart-on = Chart of the last 7 days: 📊 on (a picture under the digest)
digest-settings-chart-off = Chart of the last 7 days: off
digest-button-chart-on = 📊 Add a chart of the last 7 days
digest-button-chart-off = 📊 No chart under the digest
