# Resumen diario: el mensaje y sus ajustes de /digest. Todos los mensajes son HTML de Telegram; las variables llegan escapadas.

digest-title = 🗞 <b>Tus ventas del { $date }</b>
digest-title-continued = 🗞 <b>Tus ventas del { $date }</b> (continuación)
digest-channel-name = <b>{ $name }</b>
digest-channel-sales = { $count ->
        [0] Sin ventas
        [one] 1 venta · { $totals }
       *[other] { $count } ventas · { $totals }
    }
digest-change-day = frente al día anterior: { $change }
digest-change-week = frente a una semana antes: { $change }
digest-change-new = nuevo
digest-change-none = tampoco hubo ventas
digest-best-link = Mejor enlace: { $link } ({ $count ->
        [one] 1 venta
       *[other] { $count } ventas
    })
digest-channel-failed = ⚠️ premiumpay no respondió para este canal; hoy faltan sus cifras.
digest-no-channels = Ninguno de los canales elegidos para el resumen existe ya. Vuelve a elegirlos con /digest.
digest-countries = <b>Países principales</b> (toda la cuenta): { $list }
digest-methods = <b>Métodos de pago</b> (toda la cuenta): { $list }
digest-aggregate-item = { $key } { $count } ({ $totals })
digest-aggregate-empty = sin datos
digest-aggregate-failed = ⚠️ premiumpay no respondió hoy
digest-footer = Cambia la hora o los canales con /digest.
digest-login-again = 🗞 No he podido preparar tu resumen diario: premiumpay ya no acepta tus credenciales (puede que el token haya caducado). Envía /login para volver a iniciar sesión; el resumen se reanudará solo.
digest-owner-login-again = 🗞 No he podido preparar tu resumen diario: premiumpay ya no acepta las credenciales de la cuenta de tu equipo. El propietario de la cuenta debe volver a iniciar sesión; el resumen se reanudará solo.

digest-settings-title = 🗞 <b>Resumen diario de ventas</b>
digest-settings-status-on = Estado: ✅ activado
digest-settings-status-off = Estado: ⏸ desactivado
digest-settings-time = Hora: <b>{ $time }</b> en { $timezone } (cambia la zona con /timezone)
digest-settings-channels-all = Canales: todos
digest-settings-channels-chosen = Canales: { $chosen ->
        [one] 1 elegido
       *[other] { $chosen } elegidos
    }
digest-button-on = ▶️ Activar
digest-button-off = ⏸ Desactivar
digest-button-time = 🕘 Cambiar la hora
digest-button-channels = 📋 Elegir canales
digest-button-preview = 👀 Envíame una vista previa ahora
digest-button-done = ✅ Listo
digest-button-all = Todos los canales
digest-ask-time = ¿A qué hora local ({ $timezone }) quieres recibir el resumen? Elige una o escríbela como HH:MM, por ejemplo <code>07:30</code>.
digest-invalid-time = «{ $input }» no es una hora. Escríbela como HH:MM entre 00:00 y 23:59, por ejemplo <code>07:30</code>, o elige una abajo.
digest-choose-channels = Toca un canal para incluirlo en el resumen o quitarlo. ✅ significa incluido.
digest-channels-page = Página { $page } de { $pages }
digest-keep-one = Deja al menos un canal, o desactiva el resumen.
digest-not-your-channel = Ese canal no está en tu lista.
digest-preview-sending = Preparando tu vista previa…
digest-preview-failed = No he podido preparar la vista previa: no se puede contactar con premiumpay ahora mismo. Inténtalo de nuevo en un momento.
digest-settings-closed = Ajustes del resumen guardados.
digest-settings-chart-on = Gráfico de los últimos 7 días: 📊 activado (una imagen bajo el resumen)
digest-settings-chart-off = Gráfico de los últimos 7 días: desactivado
digest-button-chart-on = 📊 Añadir un gráfico de los últimos 7 días
digest-button-chart-off = 📊 Sin gráfico bajo el resumen
