# /links: link performance of a channel for a period. Every message is Telegram HTML; variables arrive escaped.

links-purpose = 🔗 <b>Link performance</b>
links-title = 🔗 <b>Links · { $channel }</b>
links-none = This channel has no invitation links yet.
links-row = <b>{ $rank }. { $name }</b>
links-direct-row = <b>{ $name }</b>
links-direct = Direct / no link
links-totals = <b>Total</b>
links-figures = 👥 +{ $joins } −{ $leaves } · 📨 { $requests } · 💰 { $sales ->
        [one] 1 sale
       *[other] { $sales } sales
    } · { $revenue } · conversion { $conversion }
links-no-conversion = n/a
links-more = …and { $count ->
        [one] 1 more link
       *[other] { $count } more links
    }
links-best = 🏆 Best: <b>{ $name }</b>, { $revenue } from { $sales ->
        [one] 1 sale
       *[other] { $sales } sales
    } (conversion { $conversion })
links-worst = 🐢 Weakest: <b>{ $name }</b>, { $revenue } from { $sales ->
        [one] 1 sale
       *[other] { $sales } sales
    } (conversion { $conversion })
links-chart-button = 📊 Chart
links-figures-no-sales = 👥 +{ $joins } −{ $leaves } · 📨 { $requests } · 💰 no sales · conversion { $conversion }
links-best-no-sales = 🏆 Best: <b>{ $name }</b>, no sales (conversion { $conversion })
links-worst-no-sales = 🐢 Weakest: <b>{ $name }</b>, no sales (conversion { $conversion })
links-day-title = 🔗 <b>{ $name }</b> · { $channel }
links-day = <b>{ $day }</b>: { $figures }
links-day-none = No joins, requests or sales on any day of this period.
links-back-button = ⬅️ Back to the links
links-back-to-sales = ⬅️ Back to sales
