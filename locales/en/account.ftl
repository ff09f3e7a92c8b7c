login-intro = Let's connect your premiumpay account. You need the <b>client id</b> and the <b>API token</b> (JWT) premiumpay gave you.
login-ask-client-id = Send me your premiumpay <b>client id</b>.
login-invalid-client-id = A client id has 1 to 50 characters, with no spaces. Please send it again.
login-ask-token = Now send me your premiumpay <b>API token</b>. I will delete your message right after reading it and keep the token encrypted.
login-invalid-token = That does not look like a premiumpay token (a JWT: three parts separated by dots). Please send it again.
login-need-text = Please send it as a text message, or /cancel.
login-checking = Checking your credentials with premiumpay…
login-success = ✅ Logged in as <code>{ $clientId }</code>. Your daily digest is on at { $time } ({ $timezone }); change it with /digest.
login-refused = premiumpay did not accept this client id and token. Check them and try again.
login-unavailable = premiumpay cannot be reached right now, so I could not check your credentials. Nothing was saved.
login-failed = Nothing was saved.
login-retry-token = 🔑 Enter the token again
login-retry-client = 🪪 Change the client id
login-replace = You are logged in as <code>{ $clientId }</code>. Send new credentials to replace them (your settings are kept), or /cancel to keep the current ones.

account-title = <b>Your premiumpay account</b>
account-client-id = Client id: <code>{ $clientId }</code>
account-status-ok = API status: ✅ { $status }
account-status-ko = API status: ⚠️ { $status }
account-status-failed = API status: unavailable
account-rate-limit-unknown = Rate limit: not reported
account-rate-limit-left = Rate limit: { $remaining } of { $limit } requests left
account-rate-limit-resets = Rate limit: { $remaining } of { $limit } requests left; the count resets in { $seconds } s
account-version = API version: { $version }
account-version-unknown = API version: unknown
account-settings = Language: { $language } · Time zone: { $timezone }

logout-confirm = Log out and delete everything I store about you (credentials, settings, digest)? This cannot be undone.
logout-yes = Yes, log me out
logout-no = No, keep me logged in
logout-done = You are logged out and your data is deleted. To come back, send /login with your premiumpay credentials.
logout-already = You are logged out. To come back, send /login with your premiumpay credentials.
logout-kept = Nothing changed; you are still logged in.

language-choose = Choose your language:
language-set = Language set to English.
language-name = English

timezone-current = Your time zone is <b>{ $timezone }</b> (local time { $time }). Pick another one or type an IANA name such as <code>America/Mexico_City</code>.
timezone-invalid = “{ $input }” is not a time zone I know. Type an IANA name such as <code>Europe/Madrid</code>, or pick one below.
timezone-set = Time zone set to <b>{ $timezone }</b> (local time { $time }).
account-role = Your role: { $role ->
    [manager] manager
    [viewer] viewer
   *[owner] owner
}
