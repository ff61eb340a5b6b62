# Shared by several pages: form fields, links, error pages, waits, dates.
# Message ids are used in templates/ and src/; keep them in every language.

field-email = Email
field-password = Password
field-new-password = New password
# After a new-password label; $count is the minimum length.
field-password-hint = { $count ->
    [one] (at least { $count } character)
   *[other] (at least { $count } characters)
}

back-to-sign-in = Back to sign in
back-to-account = Back to your account
sign-out-button = Sign out

form-email-invalid = Enter a valid email address.
form-passwords-differ = The two passwords differ.
form-expired-title = Form expired
form-expired-text = This form has expired or did not come from this site. Reload the page and try again.

password-too-short = { $count ->
    [one] The password must be at least { $count } character long.
   *[other] The password must be at least { $count } characters long.
}
password-too-long = { $count ->
    [one] The password must be at most { $count } character long.
   *[other] The password must be at most { $count } characters long.
}
password-common = The password is one of the most common passwords; choose another.

bad-request-title = Bad request
bad-form-text = The form could not be read.
bad-query-text = The request could not be read.
too-much-data-title = Too much data
too-much-data-text = The form was too large.
not-found-title = Not found
not-found-text = There is nothing here.
error-title = Something went wrong
error-text = Please try again later.
busy-title = Please try again
# $wait is a duration-* message, e.g. "5 seconds".
busy-text = latchkey is busy right now. Please try again in { $wait }.
throttled-try-again = Too many failed attempts. Please try again in { $wait }.

# Waits, rounded up.
duration-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
}

# A date and time, always in UTC. $year, $month (1-12) and $day are
# numbers, $time is "19:58".
date-time = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }, { $time } UTC

# How a session's device is named on the account page.
device-unknown = Unknown device
device-browser-on-system = { $browser } on { $system }

# What a scope lets an application do (consent page).
scope-openid = Know who you are (a stable identifier of your account)
scope-email = See your email address
scope-profile = See your basic profile
scope-offline-access = Stay signed in when you are not using it
scope-admin = Administer latchkey's users
scope-other = Use this permission of your account

# static/passkey.js, through data- attributes of the page.
passkey-request-failed = The request failed.
passkey-cancelled = The passkey was not used (cancelled, or it timed out).
# The JSON answers of the passkey endpoints, which the script shows.
passkey-error-media-type = The body must be application/json.
passkey-error-too-large = The request was too large.
passkey-error-forged = This page has expired or did not come from this site. Reload it and try again.
passkey-error-unreadable = The request could not be read.
passkey-error-off = Passkeys are not available on this server.
passkey-error-expired = That took too long, or the page was used twice. Try again.
passkey-error-refused = That passkey was not accepted.
passkey-error-duplicate = This passkey is registered already.
passkey-error-busy = The service is busy. Try again in a moment.
passkey-error-internal = Something went wrong. Please try again later.
passkey-error-signed-out = You are signed out. Sign in again, then add the passkey.
passkey-error-name = { $count ->
    [one] Give the passkey a name of at most { $count } character.
   *[other] Give the passkey a name of at most { $count } characters.
}

# How long ago something happened (the account page), for the last 30
# days; older moments are shown as a date-time.
time-just-now = just now
time-minutes-ago = { $count ->
    [one] { $count } minute ago
   *[other] { $count } minutes ago
}
time-hours-ago = { $count ->
    [one] { $count } hour ago
   *[other] { $count } hours ago
}
time-days-ago = { $count ->
    [one] { $count } day ago
   *[other] { $count } days ago
}
