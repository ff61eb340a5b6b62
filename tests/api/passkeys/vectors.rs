//! The W3C WebAuthn Level 3 test vectors (§16 "Test Vectors", from the
//! specification's index.bs, RP id `example.org`), through latchkey's
//! relying party and webauthn-rs. Their challenges are fixed, so they
//! are put into the ceremony state the way latchkey stores it (JSON).
//! The vectors' assertions carry no user-verification flag: latchkey's
//! policy (user verification required) must refuse them, and the same
//! bytes must verify once that one requirement is relaxed, which shows
//! the refusal is the policy and not a parsing failure.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value as Json, json};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Uuid,
};

use latchkey::auth::passkeys::relying_party;

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// One vector: a registration and an assertion of the same credential.
struct Vector {
    registration_challenge: &'static str,
    credential_id: &'static str,
    registration_client_data: &'static str,
    attestation_object: &'static str,
    authentication_challenge: &'static str,
    authenticator_data: &'static str,
    authentication_client_data: &'static str,
    signature: &'static str,
}

/// §16.2 "ES256 Credential with No Attestation".
const NONE_ES256: Vector = Vector {
    registration_challenge: "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130",
    credential_id: "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4",
    registration_client_data: "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22414d4d507434557878475453746e63647134313759447742466938767049612d7077386f4f755657345441222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20426b5165446a646354427258426941774a544c453551227d",
    attestation_object: "a363666d74646e6f6e656761747453746d74a068617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b559000000008446ccb9ab1db374750b2367ff6f3a1f0020f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4a5010203262001215820afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56b87a2fca66334b03458abf879717c12cc68ed73290af2e2664796b9220",
    authentication_challenge: "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408",
    authenticator_data: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000",
    authentication_client_data: "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224f63446e55685158756c5455506f334a5558543049393770767a7a59425039745a63685879617630314167222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
    signature: "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b93538174f575bf11a1dd5d78c6e486013f937295ea13653e331e87",
};

/// §16.3 "ES256 Credential with Self Attestation".
const PACKED_SELF_ES256: Vector = Vector {
    registration_challenge: "7869c2b772d4b58eba9378cf8f29e26cf935aa77df0da89fa99c0bdc0a76f7e5",
    credential_id: "455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58c",
    registration_client_data: "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a2265476e4374334c55745936366b336a506a796e6962506b31716e666644616966715a774c33417032392d55222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a205539685458764b453255526b4d6e625f307859485667227d",
    attestation_object: "a363666d74667061636b65646761747453746d74a263616c672663736967584630440220067a20754ab925005dbf378097c92120031581c73228d1fb4f5b881bcd7da98302207fc7b147558c7c0eba3af18bd9d121fa3d3a26d17fe3f220272178f473b6006d68617574684461746158a4bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b55d00000000df850e09db6afbdfab51697791506cfc0020455ef34e2043a87db3d4afeb39bbcb6cc32df9347c789a865ecdca129cbef58ca5010203262001215820eb151c8176b225cc651559fecf07af450fd85802046656b34c18f6cf193843c5225820927b8aa427a2be1b8834d233a2d34f61f13bfd44119c325d5896e183fee484f2",
    authentication_challenge: "4478a10b1352348dd160c1353b0d469b5db19eb91c27f7dfa6fed39fe26af20b",
    authenticator_data: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b50900000000",
    authentication_client_data: "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a225248696843784e534e493352594d45314f7731476d3132786e726b634a5f6666707637546e2d4a71386773222c226f726967696e223a2268747470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c22657874726144617461223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e616c206669656c647320696e20746865206675747572652c207375636820617320746869733a206754623533727a36456853576f6d58477a696d433151227d",
    signature: "304402203310b9431903c401f1be2bdc8d23a4007682dbbddcf846994947b7f465daf84002204e94dd00047b316061b3b99772b7efd95994a83ef584b3b6b825ea3550251b66",
};

/// `state` (a serialised ceremony) with the vector's `challenge` and
/// user-verification `policy`.
fn with_challenge<T: serde::de::DeserializeOwned>(
    state: &impl serde::Serialize,
    inner: &str,
    challenge: &str,
    policy: &str,
) -> T {
    let mut json = serde_json::to_value(state).expect("state");
    json[inner]["challenge"] = json!(b64(&hex(challenge)));
    json[inner]["policy"] = json!(policy);
    serde_json::from_value(json).expect("state back")
}

fn registration(vector: &Vector) -> RegisterPublicKeyCredential {
    let id = b64(&hex(vector.credential_id));
    serde_json::from_value(json!({
        "id": id,
        "rawId": id,
        "type": "public-key",
        "response": {
            "attestationObject": b64(&hex(vector.attestation_object)),
            "clientDataJSON": b64(&hex(vector.registration_client_data)),
        },
    }))
    .expect("registration")
}

fn assertion(vector: &Vector) -> PublicKeyCredential {
    let id = b64(&hex(vector.credential_id));
    serde_json::from_value(json!({
        "id": id,
        "rawId": id,
        "type": "public-key",
        "response": {
            "authenticatorData": b64(&hex(vector.authenticator_data)),
            "clientDataJSON": b64(&hex(vector.authentication_client_data)),
            "signature": b64(&hex(vector.signature)),
            "userHandle": Json::Null,
        },
    }))
    .expect("assertion")
}

/// Registers `vector` under `policy`.
fn register(vector: &Vector, policy: &str) -> Result<Passkey, String> {
    let rp = relying_party("https://example.org").expect("relying party");
    let (_, state) = rp
        .start_passkey_registration(Uuid::from_bytes([1; 16]), "alice", "alice", None)
        .expect("start");
    let state: PasskeyRegistration =
        with_challenge(&state, "rs", vector.registration_challenge, policy);
    rp.finish_passkey_registration(&registration(vector), &state)
        .map_err(|e| e.to_string())
}

/// Checks `vector`'s assertion against `passkey` under `policy`; the
/// counter it carried.
fn authenticate(vector: &Vector, passkey: &Passkey, policy: &str) -> Result<u32, String> {
    let rp = relying_party("https://example.org").expect("relying party");
    let (_, state) = rp.start_discoverable_authentication().expect("start");
    let state: DiscoverableAuthentication =
        with_challenge(&state, "ast", vector.authentication_challenge, policy);
    rp.finish_discoverable_authentication_v2(&assertion(vector), state, passkey)
        .map(|result| result.counter())
        .map_err(|e| e.to_string())
}

#[test]
fn the_specs_es256_none_vector_verifies_but_without_user_verification_is_refused() {
    let refused = register(&NONE_ES256, "required");
    assert!(refused.is_err(), "no UV flag in the vector: {refused:?}");
    let passkey = register(&NONE_ES256, "preferred").expect("the vector registers");
    assert_eq!(passkey.cred_id().as_slice(), hex(NONE_ES256.credential_id));

    let refused = authenticate(&NONE_ES256, &passkey, "required");
    assert!(refused.is_err(), "no UV flag in the assertion: {refused:?}");
    assert_eq!(authenticate(&NONE_ES256, &passkey, "preferred"), Ok(0));

    // One changed byte of the signature, or the wrong challenge, fails.
    let mut tampered = NONE_ES256.signature.to_owned();
    tampered.replace_range(20..22, "00");
    let forged = Vector {
        signature: Box::leak(tampered.into_boxed_str()),
        ..NONE_ES256
    };
    assert!(authenticate(&forged, &passkey, "preferred").is_err());
    let other_challenge = Vector {
        authentication_challenge: NONE_ES256.registration_challenge,
        ..NONE_ES256
    };
    assert!(authenticate(&other_challenge, &passkey, "preferred").is_err());
}

#[test]
fn the_specs_es256_self_attestation_vector_registers_under_latchkeys_policy() {
    // Its registration has the UV flag: accepted as latchkey asks.
    let passkey = register(&PACKED_SELF_ES256, "required").expect("the vector registers");
    assert_eq!(
        passkey.cred_id().as_slice(),
        hex(PACKED_SELF_ES256.credential_id)
    );
    // Its assertion has not; and a credential that was user-verified at
    // registration keeps requiring it, whatever a ceremony would allow.
    assert!(authenticate(&PACKED_SELF_ES256, &passkey, "required").is_err());
    assert_eq!(
        authenticate(&PACKED_SELF_ES256, &passkey, "preferred"),
        Err("The user verified bit is not set, and required by policy".to_owned())
    );
    // Another vector's credential does not verify this one's assertion.
    let none = register(&NONE_ES256, "preferred").expect("registers");
    assert!(authenticate(&PACKED_SELF_ES256, &none, "preferred").is_err());
}
