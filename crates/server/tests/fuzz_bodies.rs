//! Property tests of hostile input: any bytes or oddly-typed JSON sent to
//! any call is answered in the contract's error shape, never a 5xx, and the
//! user-name normalisation never panics and is idempotent.

mod common;

use heeros_api::{ErrorBody, ErrorCode};
use heeros_server::names;
use proptest::prelude::*;

const CALLS: [(&str, &str); 5] = [
    ("POST", "/v1/login"),
    ("POST", "/v1/login/totp"),
    ("POST", "/v1/unlock"),
    ("PUT", "/v1/me/company"),
    ("POST", "/v1/logout"),
];

/// Calls that read a body only from a signed-in caller: sent with a live
/// access token.
const CALLS_AS_USER: [(&str, &str); 4] = [
    ("POST", "/v1/device/payment-key"),
    ("POST", "/v1/invoices/1/reject"),
    ("POST", "/v1/payments"),
    ("POST", "/v1/payments/some-order/confirm"),
];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Sends one body to every call; checks the answer's shape.
async fn check_all(f: &common::Fixture, body: Vec<u8>, json: bool) -> Result<(), TestCaseError> {
    let token = f.session(common::MATTI).await.access_token;
    let calls = CALLS.iter().map(|c| (c, None));
    let calls = calls.chain(CALLS_AS_USER.iter().map(|c| (c, Some(&token))));
    for ((method, path), token) in calls {
        let mut req = f
            .http
            .request(method.parse().unwrap(), f.url(path))
            .body(body.clone());
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if json {
            req = req.header("content-type", "application/json");
        }
        let res = req
            .send()
            .await
            .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        prop_assert!(status < 500, "{method} {path} answered {status}: {text}");
        if status >= 400 {
            let parsed: Result<ErrorBody, _> = serde_json::from_str(&text);
            prop_assert!(
                parsed.is_ok(),
                "{method} {path} {status}: not an error body: {text}"
            );
            let code = parsed.unwrap().error;
            prop_assert!(code != ErrorCode::Internal && code != ErrorCode::Unavailable);
        }
    }
    Ok(())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("username".to_owned()),
                    Just("password".to_owned()),
                    Just("challenge".to_owned()),
                    Just("code".to_owned()),
                    Just("device_id".to_owned()),
                    Just("unlock_secret".to_owned()),
                    Just("company_id".to_owned()),
                    Just("public_key".to_owned()),
                    Just("reason".to_owned()),
                    Just("invoice_ids".to_owned()),
                    Just("signature".to_owned()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_to_any_call_get_a_contract_error_never_a_5xx(body in prop::collection::vec(any::<u8>(), 0..2048), json in any::<bool>()) {
        let rt = runtime();
        rt.block_on(async {
            let f = common::sqlite().await;
            check_all(&f, body, json).await
        })?;
    }

    #[test]
    fn any_json_shape_to_any_call_gets_a_contract_error_never_a_5xx(value in json_value()) {
        let rt = runtime();
        rt.block_on(async {
            let f = common::sqlite().await;
            check_all(&f, serde_json::to_vec(&value).unwrap(), true).await
        })?;
    }

    #[test]
    fn well_typed_logins_with_hostile_strings_are_plain_401s(
        username in "\\PC{0,200}", password in "\\PC{0,300}", device in "\\PC{0,300}", platform in ".{0,50}"
    ) {
        let rt = runtime();
        rt.block_on(async {
            let f = common::sqlite().await;
            let a = f.post("/v1/login", serde_json::json!({
                "username": username, "password": password, "device_name": device, "platform": platform
            })).await;
            prop_assert_eq!(a.status, 401, "{}", a.body);
            prop_assert_eq!(a.code(), ErrorCode::InvalidCredentials);
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn name_normalisation_is_idempotent_and_bounded(raw in "\\PC{0,80}|[\\s\\u{300}-\\u{36f}a-zA-ZäöåÄÖÅ]{0,80}") {
        let key = names::match_key(&raw);
        prop_assert_eq!(names::match_key(&key), key.clone());
        prop_assert_eq!(names::display_form(&names::display_form(&raw)), names::display_form(&raw));
        prop_assert!(key.chars().count() <= raw.chars().count() * 3 + 3);
        prop_assert!(!key.starts_with(' ') && !key.ends_with(' ') && !key.contains("  "));
    }
}
