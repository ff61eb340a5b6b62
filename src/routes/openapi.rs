//! `GET /openapi.json`: the OpenAPI 3.1 description of the JSON endpoints.
//! tests/api/openapi.rs checks every documented answer against the server.

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

use crate::state::AppState;

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("openapi.json"))
        .unwrap_or_else(|e| json!({ "error": e.to_string() }))
});

pub async fn document(state: web::Data<AppState>) -> HttpResponse {
    let mut document = DOCUMENT.clone();
    document["servers"] = json!([{ "url": state.settings.issuer }]);
    document["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
    HttpResponse::Ok().json(document)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_valid_json() {
        let parsed: serde_json::Value =
            serde_json::from_str(include_str!("openapi.json")).expect("valid JSON");
        assert_eq!(parsed["openapi"], "3.1.0");
    }
}
