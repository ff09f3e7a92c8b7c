picker-title = { $purpose }
    Pick a channel:
picker-title-filtered = { $purpose }
    Channels matching “{ $filter }”:
picker-page = Page { $page } of { $pages }
picker-filter-hint = You have { $count } channels: type part of a name to filter them.
picker-no-match = No channel matches “{ $filter }”. Type another part of the name, or clear the filter.
picker-clear-filter = ✖️ Clear filter
picker-previous = ◀️ Previous
picker-next = Next ▶️
picker-loading = Loading your channels…
picker-empty = You have no channels on premiumpay yet. Add one in premiumpay, then come back.
picker-not-yours = That channel is not in your list. Pick one of the buttons.
picker-need-button = Pick a channel with the buttons, or /cancel.
picker-need-choice = Pick a channel with the buttons, type part of its name, or /cancel.

channels-title = <b>Your channels</b> ({ $count })
channels-item = • <b>{ $name }</b> · id <code>{ $id }</code> · { $links ->
        [0] no links
        [one] 1 link
       *[other] { $links } links
    }
