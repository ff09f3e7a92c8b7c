# Avisos de ventas: los mensajes que envía el servicio de avisos. Todo mensaje es HTML de Telegram; las variables llegan escapadas.

alerts-title-one = 💰 <b>Nueva venta · { $channel }</b>
alerts-title-channel = 💰 <b>{ $count } ventas nuevas · { $channel }</b>
alerts-title-channels = 💰 <b>{ $count } ventas nuevas en { $channels } canales</b>
alerts-title-quiet = 🌙 <b>Durante tus horas de silencio: { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    }</b>
alerts-title-catch-up = 📬 <b>Mientras los avisos estaban parados: { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    }</b>
alerts-sale = { $amount } · { $link }
alerts-sale-in = { $amount } · { $channel } · { $link }
alerts-direct = directa
alerts-total = Total: { $totals }
alerts-largest = Las mayores:
alerts-largest-item = • { $sale }
alerts-today = Hoy hasta ahora: { $count ->
        [one] 1 venta
       *[other] { $count } ventas
    } · { $totals }
alerts-unreachable = ⚠️ premiumpay lleva más de una hora sin responder, así que los avisos de ventas se retrasan. Se pondrán al día solos cuando vuelva a responder.
alerts-recovered = ✅ premiumpay vuelve a responder: los avisos de ventas siguen, y llegan las ventas de mientras.
alerts-login-again = 🔑 premiumpay ya no acepta tus credenciales (puede que el token haya caducado), así que los avisos de ventas están en pausa. Envía /login para volver a iniciar sesión; los avisos seguirán solos.
