# CSV export of sales. The export-column-… names are the file's header row (plain text, no HTML).

export-column-local-time = Local time ({ $zone })
export-column-utc-time = UTC time
export-column-amount = Amount
export-column-currency = Currency
export-column-channel = Channel
export-column-link-name = Link name
export-column-link = Invitation link
export-column-country = Country
export-column-payment-method = Payment method
export-column-service = Service
export-column-gateway = Gateway
export-all-channels = all channels
export-progress = ⏳ Preparing your file… { $count ->
        [one] 1 sale
       *[other] { $count } sales
    } so far
export-too-large = ⚠️ This period has too many sales for one file: the bot sends documents up to { $size }. Choose a shorter period.
export-period-too-long = ⚠️ An export covers at most a year. Choose a shorter period.
export-button = 📤 Export
export-title = 📤 <b>Export sales · { $subject }</b>
export-choose = Which period should the file cover? One row per sale.
export-period-last90 = 🗓 Last 90 days
export-period-last12m = 🗓 Last 12 months
export-line-months = Last { $months } months: { $from } – { $to } { $time } ({ $zone })
export-one-link = link
export-empty = 📭 No sales in this period, so there is no file to send.
