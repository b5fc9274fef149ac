//! Bad input gets a clear error in the contract's shape and never a panic,
//! a 500 or a hang.

mod common;

use common::*;
use heeros_api::ErrorCode;
use serde_json::json;

#[tokio::test]
async fn malformed_json_is_a_400_with_the_standard_error_body() {
    let f = sqlite().await;
    let cases: [(&str, &str); 6] = [
        ("/v1/login", "{not json"),
        ("/v1/login", "{}"),
        (
            "/v1/login",
            r#"{"username": 5, "password": "x", "device_name": "d", "platform": "p"}"#,
        ),
        ("/v1/login/totp", "[]"),
        ("/v1/unlock", r#"{"device_id": "x"}"#),
        (
            "/v1/unlock",
            r#"{"device_id": "x", "unlock_secret": "not base64 !!"}"#,
        ),
    ];
    for (path, body) in cases {
        let a = f
            .send(
                f.http
                    .post(f.url(path))
                    .header("content-type", "application/json")
                    .body(body),
            )
            .await;
        assert_eq!(a.status, 400, "{path} {body}: {}", a.body);
        assert_eq!(a.code(), ErrorCode::BadRequest);
        assert!(!a.error().message.is_empty());
    }
}

#[tokio::test]
async fn missing_content_type_is_a_400_not_a_415_without_body() {
    let f = sqlite().await;
    let a = f.send(f.http.post(f.url("/v1/login")).body("{}")).await;
    assert_eq!(a.status, 400);
    assert_eq!(a.code(), ErrorCode::BadRequest);
}

#[tokio::test]
async fn huge_bodies_are_refused_with_413() {
    let f = sqlite().await;
    let big = "x".repeat(64 * 1024);
    let a = f
        .post(
            "/v1/login",
            json!({"username": big, "password": "x", "device_name": "d", "platform": "p"}),
        )
        .await;
    assert_eq!(a.status, 413);
    assert_eq!(a.code(), ErrorCode::PayloadTooLarge);
}

#[tokio::test]
async fn odd_unicode_user_names_are_plain_wrong_credentials() {
    let f = sqlite().await;
    let names = [
        "",
        " ",
        "\u{0}",
        "🙂 🙃",
        "\u{202e}nenialäkieM ajiaM",
        "Ma\u{0301}\u{0301}\u{0301}ija",
        "名前 苗字",
        &"ä".repeat(5000),
    ];
    for name in names {
        let a = f.login(name, "whatever").await;
        assert_eq!(a.status, 401, "{name:?}: {}", a.body);
        assert_eq!(a.code(), ErrorCode::InvalidCredentials);
    }
}

#[tokio::test]
async fn unknown_routes_and_missing_tokens_answer_in_contract_shape() {
    let f = sqlite().await;
    let a = f.send(f.http.get(f.url("/v1/nothing"))).await;
    assert_eq!(a.status, 404);
    assert_eq!(a.code(), ErrorCode::NotFound);
    let a = f.send(f.http.get(f.url("/v1/me"))).await;
    assert_eq!(a.code(), ErrorCode::Unauthorized);
    let a = f.me("garbage-token").await;
    assert_eq!(a.code(), ErrorCode::Unauthorized);
    let a = f.switch("garbage-token", 1).await;
    assert_eq!(a.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn unlock_of_an_unknown_device_is_device_revoked() {
    let f = sqlite().await;
    let a = f.unlock("no-such-device", &wrong_secret(1)).await;
    assert_eq!(a.code(), ErrorCode::DeviceRevoked);
}

#[tokio::test]
async fn healthz_answers_ok() {
    let f = sqlite().await;
    let res = f.http.get(f.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}
