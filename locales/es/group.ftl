# El grupo del equipo (/connect en un grupo, /group en privado) y el registro de actividad (/audit). HTML de Telegram; las variables llegan escapadas.

groups-added = ¡Hola! Funciono en chats privados. El propietario de una cuenta de premiumpay que administre este grupo puede enviar /connect aquí: el grupo recibirá entonces el resumen diario y los avisos de ventas, solo para leer.

team-group-connect-private = Envía /connect <b>en el grupo</b> que quieres conectar, después de añadirme a él. Tienes que ser administrador allí.
team-group-connect-no-account = Solo el propietario de una cuenta de premiumpay puede conectar este grupo: inicia sesión conmigo en un chat privado y vuelve a enviar /connect aquí.
team-group-connect-not-admin = Solo un administrador de este grupo puede conectarlo.
team-group-connect-taken = Este grupo ya está conectado a otra cuenta de premiumpay.
team-group-connect-already = Este grupo ya está conectado a tu cuenta. Cambia lo que recibe con /group en un chat privado conmigo.
team-group-connected = ✅ Este grupo está conectado a la cuenta de premiumpay de { $name }. Recibe aquí el resumen diario y los avisos de ventas; en este grupo no respondo a comandos.
team-group-connected-owner = ✅ El grupo <b>{ $group }</b> está conectado: recibe tu resumen diario y tus avisos de ventas. Envía /group para elegir qué recibe.
team-group-connected-owner-replaced = ✅ El grupo <b>{ $group }</b> queda conectado en lugar de <b>{ $previous }</b>: recibe tu resumen diario y tus avisos de ventas. Envía /group para elegir qué recibe.

team-group-none = No hay ningún grupo conectado. Añádeme al grupo de Telegram de tu equipo y envía /connect allí (tienes que ser administrador del grupo).
team-group-title = <b>Grupo del equipo: { $group }</b>
team-group-digest-on = 🗞 Resumen diario: <b>activado</b>
team-group-digest-off = 🗞 Resumen diario: <b>desactivado</b>
team-group-alerts-on = 🔔 Avisos de ventas: <b>activados</b>
team-group-alerts-off = 🔔 Avisos de ventas: <b>desactivados</b>
team-group-follows = El grupo recibe una copia de tu propio resumen y de tus avisos, con tus ajustes (/digest, /alerts), mientras los tengas activados. Nunca recibe botones.
team-group-button-digest-on = 🗞 Enviar el resumen al grupo
team-group-button-digest-off = 🗞 Dejar de enviar el resumen al grupo
team-group-button-alerts-on = 🔔 Enviar los avisos al grupo
team-group-button-alerts-off = 🔔 Dejar de enviar avisos al grupo
team-group-button-disconnect = 🔌 Desconectar
team-group-button-done = ✅ Listo
team-group-disconnected = 🔌 El grupo <b>{ $group }</b> está desconectado: ya no recibe nada de mí.
team-group-disconnected-group = 🔌 Este grupo se ha desconectado de su cuenta de premiumpay: ya no recibe nada de mí.
team-group-off-bot-removed = 🔌 Me han quitado del grupo <b>{ $group }</b>, así que queda desconectado: no recibe resumen ni avisos. Vuelve a añadirme y envía /connect allí para conectarlo de nuevo.
team-group-off-admin-lost = 🔌 Ya no eres administrador del grupo <b>{ $group }</b>, así que queda desconectado: no recibe resumen ni avisos. Envía /connect allí de nuevo cuando vuelvas a ser administrador.

audit-title = <b>Registro de actividad</b> · página { $page } de { $pages } · { $total ->
        [one] 1 entrada
       *[other] { $total } entradas
    } · horas en { $timezone }
audit-empty = El registro de actividad está vacío: aquí quedan los inicios y cierres de sesión, los enlaces públicos, los mensajes de bienvenida y los cambios del grupo del equipo.
audit-line = <code>{ $date } { $time }</code> · { $who } · { $what }
audit-you = tú
audit-newer = ⬅️ Más recientes
audit-older = Anteriores ➡️
audit-csv = 📤 CSV
audit-close = ✖️ Cerrar
audit-action-login = 🔑 Sesión iniciada (client id { $clientId })
audit-action-logout = 🚪 Sesión cerrada
audit-action-public_link_created = 🔗 Enlace público «{ $linkName }» creado en { $channel }
audit-action-welcome_set = 👋 Mensaje de bienvenida configurado en { $channel }
audit-action-group_connected = 👥 Grupo «{ $group }» conectado
audit-action-group_disconnected = 🔌 Grupo «{ $group }» desconectado ({ $reason ->
        [bot-removed] se quitó el bot
        [admin-lost] ya no es administrador
        [logout] sesión cerrada
        [replaced] se conectó otro grupo
       *[owner] por el propietario
    })
audit-action-member_invited = ✉️ Invitación como { $role }
audit-action-invitation_revoked = ✖️ Invitación revocada
audit-action-member_joined = ➕ { $member } se unió como { $role }
audit-action-role_changed = 🔁 { $member }: { $previousRole } → { $role }
audit-action-member_removed = ➖ { $member } eliminado
audit-action-member_left = 🚶 { $member } salió
audit-column-local-time = Hora local ({ $zone })
audit-column-utc-time = Hora UTC
audit-column-actor = Id de Telegram
audit-column-actor-name = Nombre
audit-column-action = Acción
audit-column-details = Detalles
