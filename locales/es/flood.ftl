# Se envía como mucho una vez por minuto a un chat cuyos mensajes llegan más rápido de lo que el bot los atiende.

flood-slow-down = ✋ Estás enviando mensajes demasiado rápido, así que me salté algunos. Espera un momento y vuelve a enviar tu última petición.
