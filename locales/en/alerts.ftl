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
