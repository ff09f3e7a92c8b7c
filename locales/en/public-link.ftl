# /link: create a public invite link. Messages are Telegram HTML; variables arrive escaped.

link-title = 🔗 <b>New public link</b>
link-header = 🔗 <b>New public link</b> · { $channel }

link-ask-name = Send a <b>name</b> for the link ({ $max } characters at most). Members do not see it; it tells your links apart in sales and reports.
link-current-name = Current name: <b>{ $name }</b>
link-name-empty = ⚠️ The name cannot be empty.
link-name-too-long = ⚠️ That name has { $length } characters; Telegram allows { $max } at most.
link-name-control = ⚠️ The name must be a single line without control characters.

link-ask-duration = How long should the link work? Pick a duration, or type a number of hours from 0 (unlimited) to { $max }.
link-current-duration = Current duration: <b>{ $duration }</b>
link-duration-not-number = ⚠️ “{ $input }” is not a whole number of hours.
link-duration-range = ⚠️ { $input } is out of range: the duration is from 0 (unlimited) to { $max } hours.
link-duration-unlimited = unlimited
link-duration-hours = { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }
link-duration-days = { $days ->
        [one] { $days } day
       *[other] { $days } days
    }
link-button-duration-1 = 1 hour
link-button-duration-24 = 24 hours
link-button-duration-168 = 7 days
link-button-duration-720 = 30 days
link-button-duration-0 = ♾ Unlimited

link-ask-approval = Should members send a join request before they enter through this link?
    • <b>No</b>: anyone who opens the link joins straight away.
    • <b>Yes</b>: each member asks to join first; next you choose whether premiumpay accepts the requests by itself or you approve each join request yourself.
link-ask-auto-approval = Should join requests be approved automatically?
    • <b>Yes</b>: premiumpay accepts each request, so members get in without waiting for you.
    • <b>No</b>: members wait until you approve their request in Telegram.
link-button-yes = Yes
link-button-no = No

link-summary-title = <b>Check the new link</b>
link-setting-channel = Channel: <b>{ $channel }</b>
link-setting-name = Name: <b>{ $name }</b>
link-setting-duration = Duration: { $duration }
link-setting-members = Members: { $access ->
    [open] join straight away
    [auto] send a join request, which premiumpay accepts automatically
   *[manual] send a join request and wait until you approve it
}
link-confirm-question = Create this link?
link-button-confirm = ✅ Create the link
link-button-edit = ✏️ Edit
link-edit-choose = What do you want to change?
link-field-channel = Channel
link-field-name = Name
link-field-duration = Duration
link-field-approval = Approval

link-creating = Creating the link…
link-created = ✅ <b>Link created</b>
    <code>{ $url }</code>
link-button-share = 📤 Share
link-button-another = ➕ Create another
link-create-failed = The link was not created. Press Try again to send it again, or Edit to change it.
link-create-unconfirmed = premiumpay did not confirm the link. Press Try again to send it again, or Edit to change it.
link-create-unknown = ⚠️ I was interrupted while creating this link, so I cannot tell whether premiumpay created it. I will not send it again: check the channel's links in premiumpay before creating another.

link-need-text = Please type it as a text message, or use the buttons.
link-use-buttons = Please answer with the buttons, or /cancel.
link-stale-button = That button is not part of this step.
link-flow-over = This link flow is over. Send /link to create a new link.
