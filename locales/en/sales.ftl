# /sales, /results and /report. Messages are Telegram HTML; variables arrive escaped.

sales-use-buttons = Please use the buttons above, or /cancel.

period-button-today = 📅 Today
period-button-yesterday = ⏪ Yesterday
period-button-last7 = 🗓 Last 7 days
period-button-last30 = 🗓 Last 30 days
period-button-refresh = 🔄 Refresh
period-choose = Which period?
period-line-today = Today, { $date }, until { $time } ({ $zone })
period-line-yesterday = Yesterday, { $date } ({ $zone })
period-line-days = Last { $days } days: { $from } – { $to } { $time } ({ $zone })

sales-purpose = 💰 <b>Today's sales</b>
sales-choose-link = 💰 <b>{ $channel }</b>
    Sales of all links, or of one link?
sales-all-links-button = 🔗 All links
sales-links-button = 🔗 Links
sales-title = 💰 <b>{ $channel }</b> · all links
sales-title-link = 💰 <b>{ $channel }</b> · link <b>{ $link }</b>
sales-count = Sales: <b>{ $count }</b>
sales-total = Total: <b>{ $totals }</b>
sales-total-none = Total: no sales
sales-by-link = <b>By link</b>
sales-link-line = • { $link }: { $count ->
        [one] 1 sale
       *[other] { $count } sales
    } · { $totals }
sales-direct = no link (direct)
sales-more-links = …and { $count ->
        [one] 1 more link
       *[other] { $count } more links
    }
sales-compare = Yesterday until { $time }: { $count ->
        [one] 1 sale
       *[other] { $count } sales
    } · { $totals }
sales-change = Change in sales: <b>{ $change }</b>
sales-change-new = No sales yesterday at this time: everything today is new.
sales-change-none = No sales yesterday at this time either.
sales-another-channel = 📋 Another channel

results-purpose = 📈 <b>Channel results</b>
results-title = 📈 <b>{ $channel }</b> · results

results-common = For every row: { $fields }
results-none = No results in this period.
results-field-date = Date
results-field-channel_id = Channel ID
results-field-invitation_link = Invitation link
results-field-joins = Joins
results-field-leaves = Leaves
results-field-sales = Sales
results-field-amount = Amount
results-field-currency = Currency

table-yes = yes
table-no = no
table-rows-omitted = { $count ->
        [one] 1 more row is not shown (the message would be too long). Pick a shorter period to see it.
       *[other] { $count } more rows are not shown (the message would be too long). Pick a shorter period to see them.
    }
table-columns-omitted = Not shown, to keep the table readable: { $columns }

report-choose-kind = 📊 <b>Reports</b>
    Which report would you like?
report-kind-country = 🌍 Sales by country
report-kind-payment_method = 💳 Sales by payment method
report-kind-service = 🧩 Sales by service
report-kind-gateway = 🏦 Sales of a gateway or service
report-title-country = 🌍 <b>Sales by country</b>
report-title-payment_method = 💳 <b>Sales by payment method</b>
report-title-service = 🧩 <b>Sales by service</b>
report-column-country = Country
report-column-payment_method = Method
report-column-service = Service
report-column-sales = Sales
report-column-amount = Amount
report-total = Total
report-no-currency = No currency given

report-none = No sales in this period.
report-another = 📊 Another report
report-loading = Loading your gateways…
report-no-gateways = You have no payment gateways on premiumpay yet, so there is nothing to report.
report-choose-gateway = 🏦 Which gateway?
report-choose-service = 🏦 <b>{ $gateway }</b>
    All its services, or one of them?
report-all-services = 🧩 All services
report-gateway-title = 🏦 <b>{ $gateway }</b> · all services
report-gateway-title-service = 🏦 <b>{ $gateway }</b> · { $service }
sales-chart-button = 📊 Chart
