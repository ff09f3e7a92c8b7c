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
alerts-owner-login-again = 🔑 premiumpay ya no acepta las credenciales de la cuenta de tu equipo, así que los avisos de ventas están en pausa. El propietario de la cuenta debe volver a iniciar sesión; los avisos seguirán solos.

# /alerts: la pantalla de ajustes.
alerts-settings-title = 🔔 <b>Avisos de ventas</b>
alerts-settings-status-on = Estado: <b>activados</b>, un mensaje por cada venta nueva
alerts-settings-status-off = Estado: <b>desactivados</b>
alerts-settings-channels-all = Canales: todos
alerts-settings-channels-chosen = Canales: { $chosen ->
        [one] 1 elegido
       *[other] { $chosen } elegidos
    }
alerts-settings-min = Importe mínimo: { $amount }
alerts-settings-min-none = Importe mínimo: ninguno, todas las ventas
alerts-settings-quiet = Horas de silencio: { $from }–{ $to } ({ $timezone }); las ventas de ese intervalo llegan en un resumen al terminar
alerts-settings-quiet-none = Horas de silencio: ninguna
alerts-settings-closed = Guardado.
alerts-settings-unavailable = Los avisos de ventas no están disponibles en este bot.
alerts-button-on = 🔔 Activar
alerts-button-off = 🔕 Desactivar
alerts-button-channels = 📋 Canales
alerts-button-min = 💶 Importe mínimo
alerts-button-quiet = 🌙 Horas de silencio
alerts-button-test = 🧪 Envíame un aviso de prueba
alerts-button-done = ✅ Listo
alerts-choose-channels = Toca un canal para recibir sus avisos o no. ✅ significa con avisos.
alerts-keep-one = Deja al menos un canal, o desactiva los avisos.
alerts-ask-min = Escribe el importe mínimo de una venta para avisarte (por ejemplo <code>25</code> o <code>9,99</code>, en la moneda de la venta), o <code>0</code> para todas.
alerts-invalid-min = «{ $input }» no es un importe. Escribe un número como <code>25</code> o <code>9,99</code>, o <code>0</code> para todas las ventas.
alerts-ask-quiet = Escribe tus horas de silencio en tu zona horaria ({ $timezone }), por ejemplo <code>22:00-07:00</code>, o <code>off</code> para ninguna. Las ventas de ese intervalo llegan en un resumen al terminar.
alerts-invalid-quiet = «{ $input }» no es un intervalo de horas. Escríbelo como <code>22:00-07:00</code> (inicio y fin distintos), o <code>off</code>.
alerts-test-heading = 🧪 <b>Aviso de prueba</b>: así se verá una venta.
alerts-test-channel = Canal de ejemplo
alerts-offer = 🔔 ¿Activar los avisos de ventas? Un mensaje por cada venta nueva, en menos de un minuto.
alerts-offer-button = 🔔 Configurar avisos de ventas
