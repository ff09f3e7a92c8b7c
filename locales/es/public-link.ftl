# /link: crear un enlace público de invitación. Los mensajes son HTML de Telegram; las variables llegan escapadas.

link-title = 🔗 <b>Nuevo enlace público</b>
link-header = 🔗 <b>Nuevo enlace público</b> · { $channel }

link-ask-name = Envía un <b>nombre</b> para el enlace ({ $max } caracteres como máximo). Los miembros no lo ven; distingue tus enlaces en las ventas y los informes.
link-current-name = Nombre actual: <b>{ $name }</b>
link-name-empty = ⚠️ El nombre no puede estar vacío.
link-name-too-long = ⚠️ Ese nombre tiene { $length } caracteres; Telegram permite { $max } como máximo.
link-name-control = ⚠️ El nombre debe ser una sola línea sin caracteres de control.

link-ask-duration = ¿Cuánto tiempo debe funcionar el enlace? Elige una duración o escribe un número de horas de 0 (ilimitado) a { $max }.
link-current-duration = Duración actual: <b>{ $duration }</b>
link-duration-not-number = ⚠️ «{ $input }» no es un número entero de horas.
link-duration-range = ⚠️ { $input } está fuera de rango: la duración va de 0 (ilimitada) a { $max } horas.
link-duration-unlimited = ilimitada
link-duration-hours = { $hours ->
        [one] { $hours } hora
       *[other] { $hours } horas
    }
link-duration-days = { $days ->
        [one] { $days } día
       *[other] { $days } días
    }
link-button-duration-1 = 1 hora
link-button-duration-24 = 24 horas
link-button-duration-168 = 7 días
link-button-duration-720 = 30 días
link-button-duration-0 = ♾ Ilimitada

link-ask-approval = ¿Deben los miembros enviar una solicitud antes de entrar por este enlace?
    • <b>No</b>: quien abra el enlace entra directamente.
    • <b>Sí</b>: cada miembro pide entrar primero; después eliges si premiumpay acepta las solicitudes por sí solo o si apruebas tú cada una.
link-ask-auto-approval = ¿Se aprueban las solicitudes automáticamente?
    • <b>Sí</b>: premiumpay acepta cada solicitud, así que los miembros entran sin esperarte.
    • <b>No</b>: los miembros esperan hasta que apruebes su solicitud en Telegram.
link-button-yes = Sí
link-button-no = No

link-summary-title = <b>Revisa el nuevo enlace</b>
link-setting-channel = Canal: <b>{ $channel }</b>
link-setting-name = Nombre: <b>{ $name }</b>
link-setting-duration = Duración: { $duration }
link-setting-members = Miembros: { $access ->
    [open] entran directamente
    [auto] envían una solicitud, que premiumpay acepta automáticamente
   *[manual] envían una solicitud y esperan a que la apruebes
}
link-confirm-question = ¿Creo este enlace?
link-button-confirm = ✅ Crear el enlace
link-button-edit = ✏️ Editar
link-edit-choose = ¿Qué quieres cambiar?
link-field-channel = Canal
link-field-name = Nombre
link-field-duration = Duración
link-field-approval = Aprobación

link-creating = Creando el enlace…
link-created = ✅ <b>Enlace creado</b>
    <code>{ $url }</code>
link-button-share = 📤 Compartir
link-button-another = ➕ Crear otro
link-create-failed = El enlace no se ha creado. Pulsa Reintentar para enviarlo de nuevo, o Editar para cambiarlo.
link-create-unconfirmed = premiumpay no confirmó el enlace. Pulsa Reintentar para enviarlo de nuevo, o Editar para cambiarlo.
link-create-unknown = ⚠️ Me interrumpieron mientras creaba este enlace, así que no sé si premiumpay lo creó. No lo enviaré de nuevo: revisa los enlaces del canal en premiumpay antes de crear otro.

link-need-text = Escríbelo como mensaje de texto, o usa los botones.
link-use-buttons = Responde con los botones, o /cancel.
link-stale-button = Ese botón no es de este paso.
link-flow-over = Este proceso de enlace ya terminó. Envía /link para crear un enlace nuevo.
