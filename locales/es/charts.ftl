# Gráficos enviados como imagen. Las etiquetas chart-… se dibujan en la imagen como texto plano (sin HTML);
# las líneas chart-caption-… son el pie de la foto, HTML de Telegram con las variables ya escapadas.

chart-sales-per-day-title = Ventas por día · { $name }
chart-revenue-by-link-title = Ingresos por enlace · { $name }
chart-week-title = Tus últimos 7 días
chart-all-channels = Todos los canales
chart-no-sales = Sin ventas en este periodo
chart-direct = Directo / sin enlace
chart-unknown-currency = Moneda desconocida
chart-panel = { $currency } · { $total } · { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    }

chart-caption-sales-title = 📈 <b>Ventas por día · { $name }</b>
chart-caption-links-title = 🔗 <b>Ingresos por enlace · { $name }</b>
chart-caption-week-title = 🗓 <b>Tus últimos 7 días</b>
chart-caption-period = { $period } ({ $zone })
chart-caption-no-sales = Sin ventas en este periodo.
chart-caption-currency = { $currency }: <b>{ $total }</b> · { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    }
chart-caption-best-day = Mejor día: { $day } ({ $total })
chart-caption-link = { $rank }. { $link }: { $totals } ({ $count ->
        [one] 1 venta
       *[other] { $count } ventas
    })
chart-caption-more = … y { $count } más
