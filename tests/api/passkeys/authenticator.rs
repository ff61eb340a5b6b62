//! A software authenticator and client for the tests: builds what a
//! browser sends after `navigator.credentials.create` and `.get` (ES256,
//! "none" attestation, CTAP2 authenticator data), with knobs for the
//! attacks: user verification off, another origin or RP id, a counter
//! set back. The signatures are real (P-256 from the `p256` crate), and
//! latchkey checks them with webauthn-rs, so nothing here is trusted.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_cbor_2::Value;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const BE: u8 = 0x08;
const AT: u8 = 0x40;

pub struct SoftPasskey {
    key: SigningKey,
    pub credential_id: Vec<u8>,
    /// The user handle the relying party gave at registration.
    pub user_handle: Option<Vec<u8>>,
    pub counter: u32,
    /// What the client writes into `clientDataJSON`.
    pub origin: String,
    /// Whose RP id hash the authenticator data carries.
    pub rp_id: String,
    /// Whether the authenticator says it verified the person.
    pub user_verified: bool,
    /// Whether it says the key may be synced (a software key store).
    pub backup_eligible: bool,
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).expect("base64url")
}

impl SoftPasskey {
    /// A new key for the site at `origin` (`http://localhost:PORT`).
    pub fn new(origin: &str) -> Self {
        let rp_id = url::Url::parse(origin)
            .expect("origin")
            .host_str()
            .expect("host")
            .to_owned();
        Self {
            key: SigningKey::from_slice(&rand::random::<[u8; 32]>()).expect("key"),
            credential_id: rand::random::<[u8; 16]>().to_vec(),
            user_handle: None,
            counter: 0,
            origin: origin.to_owned(),
            rp_id,
            user_verified: true,
            backup_eligible: false,
        }
    }

    /// `other` holding this authenticator's key, credential and counter,
    /// as a clone of it would.
    pub fn clone_key_into(&self, mut other: SoftPasskey) -> SoftPasskey {
        other.key = self.key.clone();
        other.credential_id = self.credential_id.clone();
        other.user_handle = self.user_handle.clone();
        other.counter = self.counter;
        other
    }

    fn flags(&self) -> u8 {
        let mut flags = UP;
        if self.user_verified {
            flags |= UV;
        }
        if self.backup_eligible {
            flags |= BE;
        }
        flags
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "type": kind,
            "challenge": challenge,
            "origin": self.origin,
            "crossOrigin": false,
        }))
        .expect("client data")
    }

    fn authenticator_data(&self, flags: u8) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&self.counter.to_be_bytes());
        data
    }

    fn cose_key(&self) -> Vec<u8> {
        let point = self.key.verifying_key().to_encoded_point(false);
        let map: BTreeMap<Value, Value> = [
            (Value::Integer(1), Value::Integer(2)),
            (Value::Integer(3), Value::Integer(-7)),
            (Value::Integer(-1), Value::Integer(1)),
            (
                Value::Integer(-2),
                Value::Bytes(point.x().expect("x").to_vec()),
            ),
            (
                Value::Integer(-3),
                Value::Bytes(point.y().expect("y").to_vec()),
            ),
        ]
        .into_iter()
        .collect();
        serde_cbor_2::to_vec(&Value::Map(map)).expect("COSE key")
    }

    /// The answer to `options` (`{"publicKey": ...}` as latchkey sent it)
    /// from `navigator.credentials.create`.
    pub fn register(&mut self, options: &Json) -> Json {
        let key = &options["publicKey"];
        self.user_handle = Some(unb64(key["user"]["id"].as_str().expect("user id")));
        let challenge = key["challenge"].as_str().expect("challenge");
        let mut auth_data = self.authenticator_data(self.flags() | AT);
        auth_data.extend_from_slice(&[0u8; 16]);
        auth_data.extend_from_slice(&(self.credential_id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.credential_id);
        auth_data.extend_from_slice(&self.cose_key());
        let attestation: BTreeMap<Value, Value> = [
            (Value::Text("fmt".into()), Value::Text("none".into())),
            (Value::Text("attStmt".into()), Value::Map(BTreeMap::new())),
            (Value::Text("authData".into()), Value::Bytes(auth_data)),
        ]
        .into_iter()
        .collect();
        let attestation = serde_cbor_2::to_vec(&Value::Map(attestation)).expect("CBOR");
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "attestationObject": b64(&attestation),
                "clientDataJSON": b64(&self.client_data("webauthn.create", challenge)),
            },
        })
    }

    /// The answer to `options` from `navigator.credentials.get`; the
    /// counter moves on by one first.
    pub fn assert(&mut self, options: &Json) -> Json {
        self.counter += 1;
        self.assert_as_is(options)
    }

    /// The same without moving the counter.
    pub fn assert_as_is(&self, options: &Json) -> Json {
        let challenge = options["publicKey"]["challenge"]
            .as_str()
            .expect("challenge");
        let auth_data = self.authenticator_data(self.flags());
        let client_data = self.client_data("webauthn.get", challenge);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "extensions": {},
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(&client_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": self.user_handle.as_deref().map(b64),
            },
        })
    }
}
