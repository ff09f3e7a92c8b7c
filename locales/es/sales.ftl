# /sales, /results y /report. Los mensajes son HTML de Telegram; las variables llegan escapadas.

sales-use-buttons = Usa los botones de arriba, o /cancel.

period-button-today = 📅 Hoy
period-button-yesterday = ⏪ Ayer
period-button-last7 = 🗓 Últimos 7 días
period-button-last30 = 🗓 Últimos 30 días
period-button-refresh = 🔄 Actualizar
period-choose = ¿Qué periodo?
period-line-today = Hoy, { $date }, hasta las { $time } ({ $zone })
period-line-yesterday = Ayer, { $date } ({ $zone })
period-line-days = Últimos { $days } días: { $from } – { $to } { $time } ({ $zone })

sales-purpose = 💰 <b>Ventas de hoy</b>
sales-choose-link = 💰 <b>{ $channel }</b>
    ¿Ventas de todos los enlaces o de uno solo?
sales-all-links-button = 🔗 Todos los enlaces
sales-links-button = 🔗 Enlaces
sales-title = 💰 <b>{ $channel }</b> · todos los enlaces
sales-title-link = 💰 <b>{ $channel }</b> · enlace <b>{ $link }</b>
sales-count = Ventas: <b>{ $count }</b>
sales-total = Total: <b>{ $totals }</b>
sales-total-none = Total: sin ventas
sales-by-link = <b>Por enlace</b>
sales-link-line = • { $link }: { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    } · { $totals }
sales-direct = sin enlace (directa)
sales-more-links = …y { $count ->
        [one] 1 enlace más
       *[other] { $count } enlaces más
    }
sales-compare = Ayer hasta las { $time }: { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    } · { $totals }
sales-change = Variación de ventas: <b>{ $change }</b>
sales-change-new = Ayer a esta hora no había ventas: todo lo de hoy es nuevo.
sales-change-none = Ayer a esta hora tampoco había ventas.
sales-another-channel = 📋 Otro canal

results-purpose = 📈 <b>Resultados del canal</b>
results-title = 📈 <b>{ $channel }</b> · resultados

results-common = En todas las filas: { $fields }
results-none = No hay resultados en este periodo.
results-field-date = Fecha
results-field-channel_id = ID del canal
results-field-invitation_link = Enlace de invitación
results-field-joins = Altas
results-field-leaves = Bajas
results-field-sales = Ventas
results-field-amount = Importe
results-field-currency = Moneda

table-yes = sí
table-no = no
table-rows-omitted = { $count ->
        [one] No se muestra 1 fila más (el mensaje sería demasiado largo). Elige un periodo más corto para verla.
       *[other] No se muestran { $count } filas más (el mensaje sería demasiado largo). Elige un periodo más corto para verlas.
    }
table-columns-omitted = No se muestran, para que la tabla se lea bien: { $columns }

report-choose-kind = 📊 <b>Informes</b>
    ¿Qué informe quieres?
report-kind-country = 🌍 Ventas por país
report-kind-payment_method = 💳 Ventas por método de pago
report-kind-service = 🧩 Ventas por servicio
report-kind-gateway = 🏦 Ventas de una pasarela o servicio
report-title-country = 🌍 <b>Ventas por país</b>
report-title-payment_method = 💳 <b>Ventas por método de pago</b>
report-title-service = 🧩 <b>Ventas por servicio</b>
report-column-country = País
report-column-payment_method = Método
report-column-service = Servicio
report-column-sales = Ventas
report-column-amount = Importe
report-total = Total
report-no-currency = Sin moneda indicada

report-none = No hay ventas en este periodo.
report-another = 📊 Otro informe
report-loading = Cargando tus pasarelas…
report-no-gateways = Aún no tienes pasarelas de pago en premiumpay, así que no hay nada que mostrar.
report-choose-gateway = 🏦 ¿Qué pasarela?
report-choose-service = 🏦 <b>{ $gateway }</b>
    ¿Todos sus servicios o uno de ellos?
report-all-services = 🧩 Todos los servicios
report-gateway-title = 🏦 <b>{ $gateway }</b> · todos los servicios
report-gateway-title-service = 🏦 <b>{ $gateway }</b> · { $service }
sales-chart-button = 📊 Gráfico
