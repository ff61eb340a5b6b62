// @generated shape, kept by hand in step with migrations/ (both backends).

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        scopes -> Text,
        disabled -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        scopes -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        client_id -> Nullable<Text>,
        auth_time -> Nullable<BigInt>,
        amr -> Nullable<Text>,
        browser_session_id -> Nullable<BigInt>,
        user_agent -> Nullable<Text>,
        address -> Nullable<Text>,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> BigInt,
        created_at -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        successor_sealed -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    login_failures (account_key) {
        account_key -> Text,
        failures -> BigInt,
        day_start -> BigInt,
        day_failures -> BigInt,
        blocked_until_ms -> BigInt,
        in_flight -> BigInt,
        lease_until_ms -> BigInt,
        last_failure_ms -> BigInt,
    }
}

diesel::table! {
    trusted_devices (token_hash) {
        token_hash -> Text,
        account_key -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Text>,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        grants -> Text,
        scopes -> Text,
        trusted -> Bool,
        created_at -> BigInt,
        id_token_alg -> Text,
    }
}

diesel::table! {
    consents (user_id, client_id) {
        user_id -> BigInt,
        client_id -> Text,
        scopes -> Text,
        granted_at -> BigInt,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        user_id -> BigInt,
        redirect_uri -> Text,
        scopes -> Text,
        code_challenge -> Text,
        nonce -> Nullable<Text>,
        auth_time -> BigInt,
        browser_session_id -> BigInt,
        expires_at -> BigInt,
        used_at -> Nullable<BigInt>,
        issued_session_id -> Nullable<BigInt>,
        amr -> Text,
    }
}

diesel::table! {
    totp_secrets (user_id) {
        user_id -> BigInt,
        secret -> Text,
        created_at -> BigInt,
        enabled_at -> Nullable<BigInt>,
        last_step -> BigInt,
    }
}

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> BigInt,
        used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    second_factor_challenges (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        verified_hash -> Text,
        next -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    passkeys (credential_id) {
        credential_id -> Text,
        user_id -> BigInt,
        user_handle -> Text,
        name -> Text,
        credential -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    passkey_ceremonies (id_hash) {
        id_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<BigInt>,
        binding -> Nullable<Text>,
        name -> Nullable<Text>,
        state -> Text,
        expires_at -> BigInt,
    }
}

diesel::joinable!(consents -> clients (client_id));
diesel::joinable!(authorization_codes -> clients (client_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    refresh_tokens,
    login_failures,
    trusted_devices,
    clients,
    consents,
    authorization_codes,
    totp_secrets,
    recovery_codes,
    second_factor_challenges,
    passkeys,
    passkey_ceremonies
);
