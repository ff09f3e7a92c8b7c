login-intro = Vamos a conectar tu cuenta de premiumpay. Necesitas el <b>client id</b> y el <b>token de la API</b> (JWT) que te dio premiumpay.
login-ask-client-id = Envíame tu <b>client id</b> de premiumpay.
login-invalid-client-id = Un client id tiene de 1 a 50 caracteres, sin espacios. Envíalo de nuevo.
login-ask-token = Ahora envíame tu <b>token de la API</b> de premiumpay. Borraré tu mensaje nada más leerlo y guardaré el token cifrado.
login-invalid-token = Eso no parece un token de premiumpay (un JWT: tres partes separadas por puntos). Envíalo de nuevo.
login-need-text = Envíalo como mensaje de texto, o /cancel.
login-checking = Comprobando tus credenciales con premiumpay…
login-success = ✅ Sesión iniciada como <code>{ $clientId }</code>. Tu resumen diario está activado a las { $time } ({ $timezone }); cámbialo con /digest.
login-refused = premiumpay no aceptó este client id y token. Revísalos e inténtalo de nuevo.
login-unavailable = No se puede contactar con premiumpay, así que no pude comprobar tus credenciales. No se ha guardado nada.
login-failed = No se ha guardado nada.
login-retry-token = 🔑 Escribir el token otra vez
login-retry-client = 🪪 Cambiar el client id
login-replace = Has iniciado sesión como <code>{ $clientId }</code>. Envía credenciales nuevas para sustituirlas (tus ajustes se conservan), o /cancel para mantener las actuales.

account-title = <b>Tu cuenta de premiumpay</b>
account-client-id = ID de cliente: <code>{ $clientId }</code>
account-status-ok = Estado de la API: ✅ { $status }
account-status-ko = Estado de la API: ⚠️ { $status }
account-status-failed = Estado de la API: no disponible
account-rate-limit-unknown = Límite de peticiones: no informado
account-rate-limit-left = Límite de peticiones: quedan { $remaining } de { $limit }
account-rate-limit-resets = Límite de peticiones: quedan { $remaining } de { $limit }; el recuento se reinicia en { $seconds } s
account-version = Versión de la API: { $version }
account-version-unknown = Versión de la API: desconocida
account-settings = Idioma: { $language } · Zona horaria: { $timezone }

logout-confirm = ¿Cerrar sesión y borrar todo lo que guardo sobre ti (credenciales, ajustes, resumen)? No se puede deshacer.
logout-yes = Sí, cerrar sesión
logout-no = No, seguir conectado
logout-done = Has cerrado sesión y tus datos se han borrado. Para volver, envía /login con tus credenciales de premiumpay.
logout-already = Has cerrado sesión. Para volver, envía /login con tus credenciales de premiumpay.
logout-kept = No ha cambiado nada; sigues con la sesión iniciada.

language-choose = Elige tu idioma:
language-set = Idioma cambiado a español.
language-name = Español

timezone-current = Tu zona horaria es <b>{ $timezone }</b> (hora local { $time }). Elige otra o escribe un nombre IANA como <code>America/Mexico_City</code>.
timezone-invalid = «{ $input }» no es una zona horaria que conozca. Escribe un nombre IANA como <code>Europe/Madrid</code>, o elige una abajo.
timezone-set = Zona horaria cambiada a <b>{ $timezone }</b> (hora local { $time }).
account-role = Tu rol: { $role ->
    [manager] gestor
    [viewer] observador
   *[owner] propietario
}
