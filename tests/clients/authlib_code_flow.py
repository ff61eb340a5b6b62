#!/usr/bin/env python3
"""An application built on Authlib signs a person in through latchkey.

Authlib's requests client (``OAuth2Session``) builds the authorization URL
with PKCE S256 and a state, exchanges the code, calls ``/users/me``,
introspects, refreshes, revokes; a ``requests.Session`` stands in for the
person's browser (it keeps cookies and fills in the login and consent
forms). Every redirect is followed by hand, so the one back to the
application is read, never fetched.

Prints one JSON object describing what happened (tests/api/authlib_client.rs
checks it); any step that goes wrong exits non-zero with the reason on
stderr. Needs ``authlib`` and ``requests`` (``.ci/run`` installs them).

    python3 tests/clients/authlib_code_flow.py --server http://127.0.0.1:8080 \\
        --client-id ID [--client-secret SECRET] --redirect-uri URI \\
        --email alice@example.com --password '...' --scope read
"""

import argparse
import json
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError

TIMEOUT = 10


class Failed(Exception):
    """A step of the flow did not go as a working server would have it."""


class FormReader(HTMLParser):
    """The inputs of every <form>, by the form's action."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(attrs.get("action", ""), [])
        elif tag == "input" and self._current is not None:
            if attrs.get("type") == "hidden" and attrs.get("name"):
                self._current.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(html, action):
    reader = FormReader()
    reader.feed(html)
    if action not in reader.forms:
        raise Failed(f"no form posting to {action} on the page: {html[:400]!r}")
    return reader.forms[action]


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Person:
    """The browser: cookies kept, redirects followed by hand, and only
    while they stay on latchkey."""

    def __init__(self, server, redirect_uri):
        self.server = server
        self.redirect_uri = redirect_uri
        self.http = requests.Session()

    def _to_application(self, location):
        return location.startswith(self.redirect_uri)

    def open(self, url, method="GET", data=None):
        """Loads ``url`` and follows latchkey's redirects. Returns
        ``("page", response)`` when a page is shown, or
        ``("callback", location)`` when latchkey sends the browser back to
        the application."""
        for _ in range(10):
            response = self.http.request(
                method, url, data=data, allow_redirects=False, timeout=TIMEOUT
            )
            if response.status_code not in (301, 302, 303, 307, 308):
                return "page", response
            location = urljoin(url, response.headers["Location"])
            if self._to_application(location):
                return "callback", location
            if not location.startswith(self.server):
                raise Failed(f"sent to an unexpected place: {location}")
            method, url, data = "GET", location, None
        raise Failed(f"too many redirects from {url}")

    def authorize(self, authorization_url, email, password):
        """The person's side: sign in if asked, allow if asked. Returns the
        callback URL and which pages were shown on the way."""
        shown = []
        outcome, answer = self.open(authorization_url)
        for _ in range(4):
            if outcome == "callback":
                return answer, shown
            page = answer
            if page.status_code != 200:
                raise Failed(f"{page.url} answered {page.status_code}: {page.text[:400]!r}")
            path = urlsplit(page.url).path
            if path == "/login":
                shown.append("login")
                fields = dict(hidden_fields(page.text, "/login"))
                fields.update(username=email, password=password)
                outcome, answer = self.open(
                    urljoin(self.server, "/login"), "POST", fields
                )
            elif path == "/authorize":
                shown.append("consent")
                fields = hidden_fields(page.text, "/authorize")
                fields.append(("decision", "allow"))
                outcome, answer = self.open(
                    urljoin(self.server, "/authorize"), "POST", fields
                )
            else:
                raise Failed(f"an unexpected page: {page.url}")
        raise Failed(f"never sent back to the application; pages shown: {shown}")


def sign_in_once(person, client, server, args, issuer):
    """One authorization request through to the callback; checks state and
    iss there. Returns (callback URL, verifier, pages shown)."""
    verifier = generate_token(64)
    url, state = client.create_authorization_url(
        urljoin(server, "/authorize"), code_verifier=verifier
    )
    sent = query_of(url)
    if sent.get("code_challenge_method") != "S256" or not sent.get("code_challenge"):
        raise Failed(f"Authlib did not send an S256 challenge: {url}")
    callback, shown = person.authorize(url, args.email, args.password)
    back = query_of(callback)
    if "error" in back:
        raise Failed(f"the authorization failed: {back}")
    if back.get("state") != state:
        raise Failed(f"state came back as {back.get('state')!r}, sent {state!r}")
    if back.get("iss") != issuer:
        raise Failed(f"iss came back as {back.get('iss')!r}, the issuer is {issuer!r}")
    return callback, verifier, shown


def status_of_me(server, access_token):
    return requests.get(
        urljoin(server, "/users/me"),
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=TIMEOUT,
    ).status_code


def oauth_error(call):
    """The OAuth error code ``call`` raised, or None if it succeeded."""
    try:
        call()
    except OAuthError as e:
        return e.error
    return None


def run(args):
    server = args.server.rstrip("/")
    metadata = requests.get(
        urljoin(server, "/.well-known/oauth-authorization-server"), timeout=TIMEOUT
    ).json()
    issuer = metadata["issuer"]
    if "S256" not in metadata.get("code_challenge_methods_supported", []):
        raise Failed(f"the metadata offers no S256: {metadata}")

    public = args.client_secret is None
    client = OAuth2Session(
        client_id=args.client_id,
        client_secret=args.client_secret,
        scope=args.scope,
        redirect_uri=args.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="none" if public else "client_secret_basic",
        revocation_endpoint_auth_method="none" if public else "client_secret_basic",
    )
    token_url = urljoin(server, "/token")
    person = Person(server, args.redirect_uri)
    summary = {"issuer": issuer, "public": public}

    # First sign-in: the login page, then consent.
    callback, verifier, shown = sign_in_once(person, client, server, args, issuer)
    summary["pages_first_time"] = shown
    token = client.fetch_token(
        token_url, authorization_response=callback, code_verifier=verifier
    )
    summary["token"] = {
        "token_type": token.get("token_type"),
        "scope": token.get("scope"),
        "expires_in": token.get("expires_in"),
        "has_refresh_token": bool(token.get("refresh_token")),
    }
    me = client.get(urljoin(server, "/users/me"), timeout=TIMEOUT)
    summary["me"] = {"status": me.status_code, "body": me.json()}

    if not public:
        introspection = client.introspect_token(
            urljoin(server, "/token/introspect"), token=token["access_token"]
        )
        summary["introspection"] = introspection.json()

    first = dict(token)
    refreshed = client.refresh_token(token_url)
    summary["refreshed"] = {
        "scope": refreshed.get("scope"),
        "new_access_token": refreshed["access_token"] != first["access_token"],
        "new_refresh_token": refreshed.get("refresh_token") not in (None, first["refresh_token"]),
    }
    me = client.get(urljoin(server, "/users/me"), timeout=TIMEOUT)
    summary["me_after_refresh"] = {"status": me.status_code, "body": me.json()}

    # The same code again: refused, and what it issued is revoked.
    summary["code_replay_error"] = oauth_error(
        lambda: client.fetch_token(
            token_url, authorization_response=callback, code_verifier=verifier
        )
    )
    summary["me_after_replay_status"] = status_of_me(server, refreshed["access_token"])

    # Second sign-in: the browser session and the consent are remembered.
    callback, verifier, shown = sign_in_once(person, client, server, args, issuer)
    summary["pages_second_time"] = shown
    second = client.fetch_token(
        token_url, authorization_response=callback, code_verifier=verifier
    )
    revoked = client.revoke_token(
        urljoin(server, "/token/revoke"),
        token=second["refresh_token"],
        token_type_hint="refresh_token",
    )
    summary["revoke_status"] = revoked.status_code
    summary["refresh_after_revoke_error"] = oauth_error(
        lambda: client.refresh_token(token_url, refresh_token=second["refresh_token"])
    )
    summary["me_after_revoke_status"] = status_of_me(server, second["access_token"])
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", help="omit for a public client")
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--scope", default="read")
    args = parser.parse_args()
    try:
        summary = run(args)
    except (Failed, OAuthError, requests.RequestException, KeyError, ValueError) as e:
        print(f"authlib flow failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
