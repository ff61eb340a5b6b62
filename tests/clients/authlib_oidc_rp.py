#!/usr/bin/env python3
"""An OpenID Connect relying party built on Authlib signs a person in.

From the issuer alone: OpenID Connect Discovery, the JWKS from its
``jwks_uri``, the code flow with PKCE S256, a state and a nonce
(``OAuth2Session``), the id_token verified with ``authlib.jose`` against
that JWKS as Authlib's ``CodeIDToken`` checks it (signature, ``iss``,
``aud``, ``exp``, ``iat``, ``nonce``, ``at_hash``), userinfo, then a
refresh whose new id_token is verified the same way. The person's browser
is the one of authlib_code_flow.py.

Prints one JSON object describing what happened (tests/api/oidc/authlib_rp.rs
checks it); any step that goes wrong exits non-zero with the reason on
stderr. Needs ``authlib`` and ``requests`` (``.ci/run`` installs them).

    python3 tests/clients/authlib_oidc_rp.py --issuer http://127.0.0.1:8080 \\
        --client-id ID [--client-secret SECRET] --redirect-uri URI \\
        --email alice@example.com --password '...'
"""

import argparse
import json
import sys
import time
import warnings

import requests

# authlib.jose says it will move to joserfc; the RP works as it is today.
warnings.filterwarnings("ignore", message="authlib.jose module is deprecated")

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError
from authlib.oidc.core import CodeIDToken

try:  # Authlib 1.6+ validates claims with joserfc, whose errors are its own.
    from joserfc.errors import JoseError as JoserfcError
except ImportError:
    JoserfcError = JoseError
REFUSED = (JoseError, JoserfcError)

from authlib_code_flow import TIMEOUT, Failed, Person, query_of

SCOPE = "openid email"


def verify_id_token(id_token, keys, algs, issuer, client_id, access_token, nonce=None):
    """The claims of ``id_token`` once Authlib has checked them, as an RP
    must (OpenID Connect Core 3.1.3.7); raises JoseError otherwise."""
    params = {"client_id": client_id, "access_token": access_token}
    if nonce is not None:
        params["nonce"] = nonce
    claims = JsonWebToken(algs).decode(
        id_token,
        keys,
        claims_cls=CodeIDToken,
        claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
            "at_hash": {"essential": True},
        },
        claims_params=params,
    )
    claims.validate()
    return claims


def refused(call):
    """What the refusal ``call`` raised says, or None if it passed."""
    try:
        call()
    except REFUSED as e:
        return str(e)
    return None


def run(args):
    issuer = args.issuer.rstrip("/")
    metadata = requests.get(
        issuer + "/.well-known/openid-configuration", timeout=TIMEOUT
    ).json()
    if metadata.get("issuer") != issuer:
        raise Failed(f"discovery names issuer {metadata.get('issuer')!r}, asked {issuer!r}")
    endpoints = {
        name: metadata[name]
        for name in (
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "jwks_uri",
            "end_session_endpoint",
        )
    }
    outside = {n: u for n, u in endpoints.items() if not u.startswith(issuer + "/")}
    if outside:
        raise Failed(f"endpoints outside the issuer: {outside}")
    # The algorithms the provider says it signs id_tokens with.
    algs = metadata.get("id_token_signing_alg_values_supported", [])
    if "RS256" not in algs:
        raise Failed(f"no RS256 id_tokens: {metadata}")
    keys = JsonWebKey.import_key_set(
        requests.get(metadata["jwks_uri"], timeout=TIMEOUT).json()
    )

    public = args.client_secret is None
    client = OAuth2Session(
        client_id=args.client_id,
        client_secret=args.client_secret,
        scope=SCOPE,
        redirect_uri=args.redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="none" if public else "client_secret_basic",
    )
    server = issuer
    person = Person(server, args.redirect_uri)

    verifier = generate_token(64)
    nonce = generate_token(24)
    url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    sent = query_of(url)
    if sent.get("nonce") != nonce or "openid" not in sent.get("scope", "").split():
        raise Failed(f"Authlib did not ask for openid with the nonce: {url}")
    callback, shown = person.authorize(url, args.email, args.password)
    back = query_of(callback)
    if "error" in back:
        raise Failed(f"the authorization failed: {back}")
    if back.get("state") != state or back.get("iss") != issuer:
        raise Failed(f"state or iss wrong at the callback: {back}")
    token = client.fetch_token(
        metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier
    )
    if "id_token" not in token:
        raise Failed(f"no id_token with scope openid: {sorted(token)}")
    claims = verify_id_token(
        token["id_token"], keys, algs, issuer, args.client_id, token["access_token"], nonce
    )
    summary = {
        "public": public,
        "pages": shown,
        "id_token": {k: claims.get(k) for k in ("iss", "aud", "sub", "email", "nonce", "auth_time", "amr")},
        "id_token_kid": claims.header.get("kid"),
        "id_token_alg": claims.header.get("alg"),
    }

    # What a careful RP refuses: the token checked for another client, with
    # another sign-in's nonce, against another access token.
    summary["refused"] = {
        "other_audience": refused(
            lambda: verify_id_token(
                token["id_token"], keys, algs, issuer, "another-client", token["access_token"], nonce
            )
        ),
        "other_nonce": refused(
            lambda: verify_id_token(
                token["id_token"], keys, algs, issuer, args.client_id, token["access_token"],
                generate_token(24),
            )
        ),
        "other_access_token": refused(
            lambda: verify_id_token(
                token["id_token"], keys, algs, issuer, args.client_id, generate_token(40), nonce
            )
        ),
        "other_issuer": refused(
            lambda: verify_id_token(
                token["id_token"], keys, algs, "https://login.example", args.client_id,
                token["access_token"], nonce,
            )
        ),
    }

    userinfo = client.get(metadata["userinfo_endpoint"], timeout=TIMEOUT)
    summary["userinfo"] = {"status": userinfo.status_code, "body": userinfo.json()}

    # A second later, so that a refreshed id_token claiming the refresh as
    # the sign-in (auth_time = now) would show.
    time.sleep(1.1)
    refreshed = client.refresh_token(metadata["token_endpoint"])
    if "id_token" not in refreshed:
        raise Failed(f"no id_token from the refresh: {sorted(refreshed)}")
    again = verify_id_token(
        refreshed["id_token"], keys, algs, issuer, args.client_id, refreshed["access_token"]
    )
    if again.get("nonce") not in (None, nonce):
        raise Failed(f"the refreshed id_token has another nonce: {again.get('nonce')!r}")
    summary["refreshed"] = {
        "new_access_token": refreshed["access_token"] != token["access_token"],
        "same_sub": again["sub"] == claims["sub"],
        "auth_time": again.get("auth_time"),
        "iat_later": again["iat"] > claims["iat"],
    }
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", help="omit for a public client")
    parser.add_argument("--redirect-uri", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    try:
        summary = run(args)
    except (Failed, OAuthError, *REFUSED, requests.RequestException, KeyError, ValueError) as e:
        print(f"authlib OIDC flow failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
