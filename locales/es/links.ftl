# /links: rendimiento de los enlaces de un canal en un periodo. Todo mensaje es HTML de Telegram; las variables llegan escapadas.

links-purpose = 🔗 <b>Rendimiento de enlaces</b>
links-title = 🔗 <b>Enlaces · { $channel }</b>
links-none = Este canal aún no tiene enlaces de invitación.
links-row = <b>{ $rank }. { $name }</b>
links-direct-row = <b>{ $name }</b>
links-direct = Directo / sin enlace
links-totals = <b>Total</b>
links-figures = 👥 +{ $joins } −{ $leaves } · 📨 { $requests } · 💰 { $sales ->
        [one] 1 venta
       *[other] { $sales } ventas
    } · { $revenue } · conversión { $conversion }
links-no-conversion = n/d
links-more = …y { $count ->
        [one] 1 enlace más
       *[other] { $count } enlaces más
    }
links-best = 🏆 Mejor: <b>{ $name }</b>, { $revenue } de { $sales ->
        [one] 1 venta
       *[other] { $sales } ventas
    } (conversión { $conversion })
links-worst = 🐢 Más flojo: <b>{ $name }</b>, { $revenue } de { $sales ->
        [one] 1 venta
       *[other] { $sales } ventas
    } (conversión { $conversion })
links-chart-button = 📊 Gráfico
links-figures-no-sales = 👥 +{ $joins } −{ $leaves } · 📨 { $requests } · 💰 sin ventas · conversión { $conversion }
links-best-no-sales = 🏆 Mejor: <b>{ $name }</b>, sin ventas (conversión { $conversion })
links-worst-no-sales = 🐢 Más flojo: <b>{ $name }</b>, sin ventas (conversión { $conversion })
links-day-title = 🔗 <b>{ $name }</b> · { $channel }
links-day = <b>{ $day }</b>: { $figures }
links-day-none = Ninguna entrada, solicitud ni venta en ningún día de este periodo.
links-back-button = ⬅️ Volver a los enlaces
links-back-to-sales = ⬅️ Volver a las ventas
