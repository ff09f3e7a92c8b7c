# Charts sent as pictures. The chart-… labels are drawn into the picture as plain text (no HTML);
# the chart-caption-… lines are the photo's caption, Telegram HTML whose variables arrive escaped.

chart-sales-per-day-title = Sales per day · { $name }
chart-revenue-by-link-title = Revenue by link · { $name }
chart-week-title = Your last 7 days
chart-all-channels = All channels
chart-no-sales = No sales in this period
chart-direct = Direct / no link
chart-unknown-currency = Unknown currency
chart-panel = { $currency } · { $total } · { $count ->
        [one] 1 sale
       *[other] { $count } sales
    }

chart-caption-sales-title = 📈 <b>Sales per day · { $name }</b>
chart-caption-links-title = 🔗 <b>Revenue by link · { $name }</b>
chart-caption-week-title = 🗓 <b>Your last 7 days</b>
chart-caption-period = { $period } ({ $zone })
chart-caption-no-sales = No sales in this period.
chart-caption-currency = { $currency }: <b>{ $total }</b> · { $count ->
        [one] 1 sale
       *[other] { $count } sales
    }
chart-caption-best-day = Best day: { $day } ({ $total })
chart-caption-link = { $rank }. { $link }: { $totals } ({ $count ->
        [one] 1 sale
       *[other] { $count } sales
    })
chart-caption-more = … and { $count } more
