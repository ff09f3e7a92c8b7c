# Exportación CSV de ventas. Los nombres export-column-… son la fila de cabecera del archivo (texto plano, sin HTML).

export-column-local-time = Hora local ({ $zone })
export-column-utc-time = Hora UTC
export-column-amount = Importe
export-column-currency = Moneda
export-column-channel = Canal
export-column-link-name = Nombre del enlace
export-column-link = Enlace de invitación
export-column-country = País
export-column-payment-method = Método de pago
export-column-service = Servicio
export-column-gateway = Pasarela
export-all-channels = todos los canales
export-progress = ⏳ Preparando tu archivo… { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    } por ahora
export-too-large = ⚠️ Este periodo tiene demasiadas ventas para un archivo: el bot envía documentos de hasta { $size }. Elige un periodo más corto.
export-period-too-long = ⚠️ Una exportación abarca como máximo un año. Elige un periodo más corto.
export-button = 📤 Exportar
export-title = 📤 <b>Exportar ventas · { $subject }</b>
export-choose = ¿Qué periodo debe abarcar el archivo? Una fila por venta.
export-period-last90 = 🗓 Últimos 90 días
export-period-last12m = 🗓 Últimos 12 meses
export-line-months = Últimos { $months } meses: { $from } – { $to } { $time } ({ $zone })
export-one-link = enlace
export-empty = 📭 No hay ventas en este periodo, así que no hay archivo que enviar.
