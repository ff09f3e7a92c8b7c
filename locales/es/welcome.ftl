# El flujo del mensaje de bienvenida personal (/welcome). Cada mensaje es HTML de Telegram; las variables llegan escapadas.

welcome-title = 👋 <b>Mensaje de bienvenida personal</b>
welcome-ask-message = 👋 <b>Mensaje de bienvenida para { $channel }</b>
    Envía el mensaje que recibirán los nuevos miembros, tal como deben leerlo (hasta { $max } caracteres).
welcome-need-text = Envíalo como mensaje de texto, o /cancel.
welcome-message-empty = El mensaje no puede estar vacío. Envía el texto que deben recibir los nuevos miembros.
welcome-message-too-long = Ese mensaje tiene { $length } caracteres; Telegram admite como máximo { $max }. Envía uno más corto.
welcome-message-control = El mensaje contiene caracteres de control invisibles (como un byte NUL) que Telegram no puede entregar. Quítalos y envíalo de nuevo.

welcome-ask-link = Vincula este mensaje de bienvenida a uno de los enlaces de invitación de <b>{ $channel }</b>, o continúa sin enlace.
welcome-skip-link = ⏭ Sin enlace de invitación
welcome-need-link = Elige uno de los enlaces con los botones, o pulsa «Sin enlace de invitación».

welcome-ask-button-text = ¿Añadir un botón debajo del mensaje? Envía el texto del botón (de 1 a { $max } caracteres), o pulsa «Sin botón».
welcome-no-button = ⏭ Sin botón
welcome-button-text-too-long = El texto de un botón puede tener como máximo { $max } caracteres; el tuyo tiene { $length }. Envía uno más corto.
welcome-button-text-invalid = El texto de un botón es una sola línea de 1 a { $max } caracteres, sin caracteres de control. Envía otro.
welcome-ask-button-url = Ahora envía el enlace que abre el botón «{ $text }». Debe empezar por <code>https://</code> o ser un enlace <code>t.me</code>.
welcome-button-url-invalid = «{ $url }» no es un enlace que pueda usar. Envía un enlace completo que empiece por <code>https://</code>, o un enlace <code>t.me</code>.
welcome-button-url-scheme = { $scheme ->
        [http] Los enlaces <code>http://</code> no están permitidos: no son seguros.
       *[other] Los enlaces «{ $scheme }:» no están permitidos para el botón.
    } Usa un enlace que empiece por <code>https://</code>, o un enlace <code>t.me</code>.
welcome-button-url-too-long = Ese enlace es demasiado largo (como máximo { $max } caracteres). Envía uno más corto.

welcome-summary = ☝️ Eso es exactamente lo que recibirán los nuevos miembros de <b>{ $channel }</b> ({ $length ->
        [one] 1 carácter
       *[other] { $length } caracteres
    }).
welcome-summary-link = Enlace de invitación: <b>{ $name }</b> ({ $url })
welcome-summary-no-link = Enlace de invitación: ninguno
welcome-summary-button = Botón: «{ $text }» → { $url }
welcome-summary-no-button = Botón: ninguno
welcome-confirm = ✅ Confirmar
welcome-edit = ✏️ Editar
welcome-need-choice = Usa los botones de arriba, o /cancel.

welcome-edit-choose = ¿Qué quieres cambiar?
welcome-edit-message = 📝 Mensaje
welcome-edit-link = 🔗 Enlace de invitación
welcome-edit-button = 🔘 Botón

welcome-sending = Guardando el mensaje de bienvenida en premiumpay…
welcome-saved = ✅ El mensaje de bienvenida de <b>{ $channel }</b> está guardado. Los nuevos miembros lo recibirán a partir de ahora.
welcome-outcome-unknown = Me interrumpieron mientras guardaba el mensaje de bienvenida, así que no sé si premiumpay lo recibió.
welcome-not-saved = El mensaje de bienvenida no se guardó. Inténtalo de nuevo, o cancela.
welcome-not-confirmed = premiumpay no lo confirmó, así que el mensaje de bienvenida puede haberse guardado o no. Enviarlo otra vez no hace daño: Inténtalo de nuevo, o cancela.
