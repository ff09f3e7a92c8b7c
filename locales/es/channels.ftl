picker-title = { $purpose }
    Elige un canal:
picker-title-filtered = { $purpose }
    Canales que coinciden con «{ $filter }»:
picker-page = Página { $page } de { $pages }
picker-filter-hint = Tienes { $count } canales: escribe parte de un nombre para filtrarlos.
picker-no-match = Ningún canal coincide con «{ $filter }». Escribe otra parte del nombre o quita el filtro.
picker-clear-filter = ✖️ Quitar filtro
picker-previous = ◀️ Anterior
picker-next = Siguiente ▶️
picker-loading = Cargando tus canales…
picker-empty = Aún no tienes canales en premiumpay. Añade uno en premiumpay y vuelve.
picker-not-yours = Ese canal no está en tu lista. Elige uno de los botones.
picker-need-button = Elige un canal con los botones, o /cancel.
picker-need-choice = Elige un canal con los botones, escribe parte de su nombre, o /cancel.

channels-title = <b>Tus canales</b> ({ $count })
channels-item = • <b>{ $name }</b> · id <code>{ $id }</code> · { $links ->
        [0] sin enlaces
        [one] 1 enlace
       *[other] { $links } enlaces
    }
