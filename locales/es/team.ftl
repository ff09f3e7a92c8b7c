# /team, invitaciones (/start <código>) y los avisos a miembros y propietarios. Cada mensaje es HTML de Telegram.
team-title = <b>👥 Equipo de la cuenta <code>{ $account }</code></b>
team-members = Miembros:
team-no-members = Aún no hay miembros. Invita a uno: actuará con esta cuenta sin ver nunca su token.
team-member-line = • { $who } · { $role ->
    [manager] gestor
   *[viewer] observador
}
team-invitations = Invitaciones pendientes:
team-invitation-line = • { $role ->
    [manager] gestor
   *[viewer] observador
}, caduca en { $hours } h
team-button-invite = ➕ Invitar a un miembro
team-button-member = 👤 { $who } · { $role ->
    [manager] gestor
   *[viewer] observador
}
team-button-revoke = ✖ Revocar la invitación de { $role ->
    [manager] gestor
   *[viewer] observador
}
team-button-close = Cerrar
team-button-back = ← Volver
team-closed = Equipo: cerrado.
team-role-viewer = 👀 Observador
team-role-manager = 🛠 Gestor
team-invite-pick-role = ¿Qué rol tendrá el nuevo miembro?
    • <b>Observador</b>: ventas, resultados, informes, rendimiento de enlaces, exportaciones, y su propio resumen y alertas.
    • <b>Gestor</b>: todo lo del observador, más enlaces públicos y mensajes de bienvenida.
team-invite-created = Invitación para un <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>, válida 24 horas, de un solo uso:
    { $link }
    O que me envíe: <code>/start { $code }</code>
    Envíasela en privado. Cualquiera que la tenga puede unirse: revócala en /team si se pierde.
team-invite-repeated = Esa invitación ya se creó con el mismo toque; su enlace no se vuelve a mostrar. Si lo perdiste, revócala en /team e invita de nuevo.
team-member = El miembro { $who } es <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>.
team-button-set-role = Hacer { $role ->
    [manager] gestor
   *[viewer] observador
}
team-button-remove = Quitar del equipo
team-remove-confirm = ¿Quitar a { $who } del equipo? Pierde el acceso al instante.
team-button-remove-yes = Sí, quitar
team-removed = { $who } ya no está en el equipo.
team-role-changed = { $who } ahora es <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>.
team-not-member = Ese usuario no está (ya) en tu equipo. No ha cambiado nada.
team-revoked = Invitación revocada: su enlace ya no funciona.
team-revoke-gone = Esa invitación ya se usó, se revocó o caducó. No ha cambiado nada.
team-teammate = Eres <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b> en el equipo de la cuenta <code>{ $account }</code>.
team-button-leave = Salir del equipo
team-leave-confirm = ¿Salir del equipo de la cuenta <code>{ $account }</code>? Pierdes el acceso al instante; solo una nueva invitación te devuelve.
team-button-leave-yes = Sí, salir
team-left = Has salido del equipo.
team-denied-role = Tu rol en este equipo no permite eso. Pídeselo al propietario de la cuenta.
team-denied-owner-away = El propietario de la cuenta tiene que volver a iniciar sesión para que el equipo pueda usarla. No se ha hecho nada.
team-logout-teammate = Estás en un equipo, sin credenciales propias. Para salir del equipo, envía /team.
team-note-role-changed = Tu rol en el equipo de la cuenta <code>{ $account }</code> ahora es <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>.
team-note-removed = Te han quitado del equipo de la cuenta <code>{ $account }</code>. Ya no tienes acceso a ella.
team-note-left = { $who } ha salido de tu equipo.
team-note-joined = { $who } se ha unido a tu equipo como <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>.
team-note-owner-refused = premiumpay rechazó las credenciales de la cuenta <code>{ $account }</code>. El equipo no tiene acceso hasta que su propietario vuelva a iniciar sesión.
team-note-owner-logged-out = El propietario de la cuenta <code>{ $account }</code> cerró sesión. El equipo no tiene acceso hasta que vuelva a iniciarla.
team-note-owner-back = El propietario de la cuenta <code>{ $account }</code> volvió a iniciar sesión: tu acceso al equipo ha vuelto.
team-note-owner-switched = El propietario de la cuenta <code>{ $account }</code> inició sesión en otra cuenta de premiumpay. El equipo no tiene acceso a <code>{ $account }</code> hasta que vuelva a iniciar sesión en ella.
join-ask = Te invitan al equipo de la cuenta de premiumpay <code>{ $account }</code> como <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b>. Actuarás con el acceso del propietario, sin ver sus credenciales. ¿Aceptas?
join-button-accept = ✅ Aceptar
join-button-decline = Rechazar
join-declined = Invitación rechazada. No ha cambiado nada.
join-done = ¡Bienvenido! Ahora eres <b>{ $role ->
    [manager] gestor
   *[viewer] observador
}</b> en el equipo de la cuenta <code>{ $account }</code>. Envía /team para verlo o salir.
join-refused-unknown = Este código de invitación no es válido. Pide una nueva invitación al propietario de la cuenta.
join-refused-expired = Esta invitación ha caducado (duran 24 horas). Pide una nueva al propietario de la cuenta.
join-refused-used = Esta invitación ya se usó: cada una sirve una vez. Pide una nueva al propietario de la cuenta.
join-refused-revoked = El propietario de la cuenta revocó esta invitación.
join-refused-own-account = Es una invitación al equipo de tu propia cuenta: envíasela a tu compañero.
join-refused-member = Ya estás en un equipo. Sal primero con /team → Salir del equipo.
join-refused-logged-in = Has iniciado sesión con credenciales de premiumpay propias. Envía /logout primero para unirte a un equipo.
join-refused-owner-away = El propietario de la cuenta ya no tiene la sesión iniciada en ella, así que esta invitación no se puede usar. Pídele una nueva cuando vuelva a iniciar sesión.
