# Textos compartidos: menú, ayuda, errores, comandos. Cada mensaje es HTML de Telegram; las variables llegan escapadas.

commands =
    .start = Abrir el menú principal
    .menu = Mostrar el menú principal
    .channels = Tus canales y sus enlaces
    .login = Volver a iniciar sesión o cambiar de cuenta de premiumpay
    .team = Tu equipo: invitar, roles, salir
    .link = Crear un enlace público para un canal
    .welcome = Configurar el mensaje de bienvenida de un canal
    .sales = Ventas de hoy de un canal
    .results = Resultados de un canal en un periodo
    .links = Qué enlaces de invitación traen miembros que pagan
    .report = Informes de ventas por país, método o servicio
    .digest = Ajustes del resumen diario de ventas
    .alerts = Avisos de ventas: un mensaje por cada venta nueva
    .group = Grupo del equipo: resumen y avisos en un grupo
    .audit = Registro de actividad: quién hizo qué
    .connect = Conectar este grupo a tu cuenta de premiumpay (propietario, administrador)
    .account = Tu cuenta de premiumpay
    .language = Cambiar idioma
    .timezone = Cambiar zona horaria
    .logout = Cerrar sesión y borrar tus datos
    .help = Qué puede hacer este bot
    .cancel = Cancelar la acción actual

menu-title = <b>premiumpay</b> · ¿qué quieres hacer?
menu-channels = 📋 Canales
menu-link = 🔗 Nuevo enlace público
menu-welcome = 👋 Mensaje de bienvenida
menu-sales = 💰 Ventas de hoy
menu-report = 📊 Informes
menu-links = 🔗 Rendimiento de enlaces
menu-digest = 🗞 Resumen diario
menu-alerts = 🔔 Avisos de ventas
menu-account = 👤 Cuenta
menu-language = 🌐 Idioma

start-greeting = ¡Hola, { $name }! Te ayudo a gestionar tus canales de pago de premiumpay desde Telegram.

help-title = <b>Qué puedo hacer</b>
help-line-start = /start — el saludo y el menú principal
help-line-menu = /menu — el menú principal
help-line-channels = /channels — tus canales y cuántos enlaces tiene cada uno
help-line-link = /link — crear un enlace de invitación público para un canal
help-line-welcome = /welcome — configurar el mensaje de bienvenida personal que reciben los nuevos miembros
help-line-sales = /sales — ventas de hoy de un canal, comparadas con ayer
help-line-results = /results — resultados de un canal en un periodo
help-line-report = /report — ventas por país, método de pago o servicio
help-line-links = /links — qué enlaces de invitación traen miembros que pagan
help-line-digest = /digest — un resumen diario de ventas a la hora que elijas
help-line-alerts = /alerts — un mensaje por cada venta nueva, con tus filtros y horas de silencio
help-line-group = /group — el grupo del equipo que recibe tu resumen y avisos (/connect en el grupo)
help-line-audit = /audit — quién hizo qué en tu cuenta
help-line-account = /account — tu cuenta de premiumpay y el estado de la API
help-line-language = /language — el idioma en que te hablo
help-line-timezone = /timezone — la zona horaria de tus días, informes y resumen
help-line-login = /login — volver a iniciar sesión (un token caducado) o cambiar de cuenta
help-line-team = /team — invitar a compañeros y fijar sus roles, o salir de un equipo
help-line-logout = /logout — cerrar sesión y borrar todo lo que guardo sobre ti
help-line-help = /help — esta lista
help-line-cancel = /cancel — detener la acción actual en cualquier paso

button-cancel = ✖️ Cancelar
button-retry = 🔄 Reintentar
button-back = ⬅️ Atrás
button-menu = ☰ Menú

cancelled = Cancelado. No se ha cambiado nada.
nothing-to-cancel = No hay nada que cancelar.

not-allowed = Lo siento, este bot es privado. Pide a su propietario que añada tu id de Telegram ({ $id }).
need-login = No has iniciado sesión. Envía /login para entrar con tus credenciales de premiumpay.
unknown-input = No te he entendido. Usa el menú o /help.
button-expired = Este botón ha caducado. Envía /start para ver un menú nuevo.
flow-expired = Tu acción sin terminar se cerró tras { $minutes } minutos sin respuesta. No se ha cambiado nada.
error-generic = Algo ha fallado por mi parte. Inténtalo de nuevo en un momento.
error-not-saved = ⚠️ Tu cambio <b>no se ha guardado</b>: ahora mismo no puedo escribir mis datos. No se ha cambiado nada; inténtalo de nuevo más tarde.
error-credentials-damaged = Tu inicio de sesión de premiumpay guardado ya no se puede leer por mi parte. Envía /login para volver a entrar; tus ajustes se conservan.
flow-damaged = Tu acción sin terminar no se pudo reanudar tras un reinicio y se ha cerrado. No se ha cambiado nada; vuelve a empezarla.

error-premiumpay-auth = premiumpay ya no acepta tus credenciales (puede que el token haya caducado). Envía /login para volver a iniciar sesión.
error-premiumpay-rate-limited = premiumpay está limitando las peticiones. Inténtalo de nuevo { $seconds ->
        [0] en un momento.
       *[other] dentro de { $seconds } s.
    }
error-premiumpay-unavailable = No se puede contactar con premiumpay ahora mismo. Inténtalo de nuevo en un momento.
error-premiumpay-rejected = premiumpay rechazó la petición: { $message }
error-premiumpay-bad-response = premiumpay respondió de una forma que no entiendo. Inténtalo más tarde.
error-premiumpay-invalid-request = Esa petición no es válida para premiumpay. Revisa los valores e inténtalo de nuevo.
flow-interrupted = ⏹ He cerrado la acción sin terminar. No se ha cambiado nada.
screen-use-buttons = Usa los botones de arriba, o /cancel.
screen-need-text = Envíalo como mensaje de texto, o /cancel.
flow-expired-release = Tu acción sin terminar se cerró porque el bot se ha actualizado. No se ha cambiado nada.
