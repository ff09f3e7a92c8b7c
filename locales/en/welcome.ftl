# The personal welcome message flow (/welcome). Every message is Telegram HTML; variables arrive escaped.

welcome-title = 👋 <b>Personal welcome message</b>
welcome-ask-message = 👋 <b>Welcome message for { $channel }</b>
    Send the message new members will receive, exactly as they should read it (up to { $max } characters).
welcome-need-text = Please send it as a text message, or /cancel.
welcome-message-empty = The message cannot be empty. Send the text new members should receive.
welcome-message-too-long = That message has { $length } characters; Telegram allows at most { $max }. Please send a shorter one.
welcome-message-control = The message contains invisible control characters (such as a NUL byte) that Telegram cannot deliver. Remove them and send it again.

welcome-ask-link = Tie this welcome message to one of the invitation links of <b>{ $channel }</b>, or continue without one.
welcome-skip-link = ⏭ No invitation link
welcome-need-link = Pick one of the links with the buttons, or choose “No invitation link”.

welcome-ask-button-text = Add a button under the message? Send the button's text (1 to { $max } characters), or tap “No button”.
welcome-no-button = ⏭ No button
welcome-button-text-too-long = A button text can have at most { $max } characters; yours has { $length }. Please send a shorter one.
welcome-button-text-invalid = A button text is a single line of 1 to { $max } characters, without control characters. Please send another one.
welcome-ask-button-url = Now send the link the button “{ $text }” opens. It must start with <code>https://</code> or be a <code>t.me</code> link.
welcome-button-url-invalid = “{ $url }” is not a link I can use. Send a full link starting with <code>https://</code>, or a <code>t.me</code> link.
welcome-button-url-scheme = { $scheme ->
        [http] Plain <code>http://</code> links are not allowed: they are not secure.
       *[other] “{ $scheme }:” links are not allowed for the button.
    } Use a link starting with <code>https://</code>, or a <code>t.me</code> link.
welcome-button-url-too-long = That link is too long (at most { $max } characters). Please send a shorter one.

welcome-summary = ☝️ That is exactly what new members of <b>{ $channel }</b> will receive ({ $length ->
        [one] 1 character
       *[other] { $length } characters
    }).
welcome-summary-link = Invitation link: <b>{ $name }</b> ({ $url })
welcome-summary-no-link = Invitation link: none
welcome-summary-button = Button: “{ $text }” → { $url }
welcome-summary-no-button = Button: none
welcome-confirm = ✅ Confirm
welcome-edit = ✏️ Edit
welcome-need-choice = Please use the buttons above, or /cancel.

welcome-edit-choose = What would you like to change?
welcome-edit-message = 📝 Message
welcome-edit-link = 🔗 Invitation link
welcome-edit-button = 🔘 Button

welcome-sending = Saving the welcome message in premiumpay…
welcome-saved = ✅ The welcome message for <b>{ $channel }</b> is saved. New members will receive it from now on.
welcome-outcome-unknown = I was interrupted while saving the welcome message, so I cannot tell whether premiumpay received it.
welcome-not-saved = The welcome message was not saved. Try again, or cancel.
welcome-not-confirmed = premiumpay did not confirm it, so the welcome message may or may not be saved. Sending it again is safe: Try again, or cancel.
