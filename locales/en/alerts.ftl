# Sales alerts: the messages the alert service sends. Every message is Telegram HTML; variables arrive escaped.

alerts-title-one = 💰 <b>New sale · { $channel }</b>
alerts-title-channel = 💰 <b>{ $count } new sales · { $channel }</b>
alerts-title-channels = 💰 <b>{ $count } new sales in { $channels } channels</b>
alerts-title-quiet = 🌙 <b>During your quiet hours: { $count ->
        [one] 1 sale
       *[other] { $count } sales
    }</b>
alerts-title-catch-up = 📬 <b>While alerts were down: { $count ->
        [one] 1 sale
       *[other] { $count } sales
    }</b>
alerts-sale = { $amount } · { $link }
alerts-sale-in = { $amount } · { $channel } · { $link }
alerts-direct = direct
alerts-total = Total: { $totals }
alerts-largest = Largest:
alerts-largest-item = • { $sale }
alerts-today = Today so far: { $count ->
        [one] 1 sale
       *[other] { $count } sales
    } · { $totals }
alerts-unreachable = ⚠️ premiumpay has not answered for over an hour, so sales alerts are delayed. They catch up by themselves when it answers again.
alerts-recovered = ✅ premiumpay answers again: sales alerts are back, and the sales in between follow.
alerts-login-again = 🔑 premiumpay no longer accepts your credentials (the token may have expired), so sales alerts are paused. Send /login to log in again; alerts resume on their own.
alerts-owner-login-again = 🔑 premiumpay no longer accepts the credentials of your team's account, so sales alerts are paused. The account's owner must log in again; alerts resume on their own.

# /alerts: the settings screen.
alerts-settings-title = 🔔 <b>Sales alerts</b>
alerts-settings-status-on = Status: <b>on</b>, a message for every new sale
alerts-settings-status-off = Status: <b>off</b>
alerts-settings-channels-all = Channels: all
alerts-settings-channels-chosen = Channels: { $chosen ->
        [one] 1 chosen
       *[other] { $chosen } chosen
    }
alerts-settings-min = Minimum amount: { $amount }
alerts-settings-min-none = Minimum amount: none, every sale
alerts-settings-quiet = Quiet hours: { $from }–{ $to } ({ $timezone }); sales in between arrive as one summary when they end
alerts-settings-quiet-none = Quiet hours: none
alerts-settings-closed = Saved.
alerts-settings-unavailable = Sales alerts are not available on this bot.
alerts-button-on = 🔔 Turn on
alerts-button-off = 🔕 Turn off
alerts-button-channels = 📋 Channels
alerts-button-min = 💶 Minimum amount
alerts-button-quiet = 🌙 Quiet hours
alerts-button-test = 🧪 Send me a test alert
alerts-button-done = ✅ Done
alerts-choose-channels = Tap a channel to get its alerts or not. ✅ means alerted.
alerts-keep-one = Keep at least one channel, or turn alerts off.
alerts-ask-min = Type the minimum amount of a sale to alert you about (for example <code>25</code> or <code>9.99</code>, in the sale's own currency), or <code>0</code> for every sale.
alerts-invalid-min = “{ $input }” is not an amount. Type a number such as <code>25</code> or <code>9.99</code>, or <code>0</code> for every sale.
alerts-ask-quiet = Type your quiet hours in your time zone ({ $timezone }), for example <code>22:00-07:00</code>, or <code>off</code> for none. Sales in between arrive as one summary when they end.
alerts-invalid-quiet = “{ $input }” is not a time range. Type it like <code>22:00-07:00</code> (start and end must differ), or <code>off</code>.
alerts-test-heading = 🧪 <b>Test alert</b>: this is how a sale will look.
alerts-test-channel = Sample channel
alerts-offer = 🔔 Turn on sales alerts? A message for every new sale, within about a minute.
alerts-offer-button = 🔔 Set up sales alerts
