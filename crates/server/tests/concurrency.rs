//! Every counter rule holds when the attempts come together: bursts of at
//! least 50 parallel requests at a real server over HTTP, on SQLite and
//! (when HEEROS_TEST_POSTGRES_URL is set; always in CI) PostgreSQL. What is
//! counted is what the server actually checked (`Running::checks`), so a
//! rule that let a burst slip past would fail here.

mod common;

use std::collections::HashMap;

use chrono::Duration;
use common::*;
use heeros_api::{ErrorCode, Unlocked};
use serde_json::json;
use tokio::task::JoinSet;

const BURST: usize = 50;

/// The codes (or "ok") of a set of answers, counted.
fn tally(answers: &[Answer]) -> HashMap<String, usize> {
    let mut t = HashMap::new();
    for a in answers {
        let key = if a.status == 200 {
            "ok".to_owned()
        } else {
            serde_json::to_value(a.code())
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        };
        *t.entry(key).or_default() += 1;
    }
    t
}

/// Sends `bodies` to `path` all at once; returns the JoinSet to collect.
fn burst(f: &Fixture, path: &str, bodies: Vec<serde_json::Value>) -> JoinSet<Answer> {
    let mut set = JoinSet::new();
    for body in bodies {
        let req = f.http.post(f.url(path)).json(&body);
        set.spawn(answer(req));
    }
    set
}

/// Waits for `n` answers of the burst, then sends `last` while the rest are
/// still in flight, then collects everything: (burst answers, last answer).
async fn burst_then_last(
    mut set: JoinSet<Answer>,
    n: usize,
    last: impl std::future::Future<Output = Answer>,
) -> (Vec<Answer>, Answer) {
    let mut answers = Vec::new();
    while answers.len() < n {
        answers.push(set.join_next().await.unwrap().unwrap());
    }
    let last = last.await;
    while let Some(a) = set.join_next().await {
        answers.push(a.unwrap());
    }
    (answers, last)
}

async fn wrong_unlocks_then_the_right_one(f: &Fixture) {
    let s = f.session(MATTI).await;
    let bodies = (0..BURST)
        .map(|i| json!({"device_id": s.device_id, "unlock_secret": wrong_secret(i as u8)}))
        .collect();
    let set = burst(f, "/v1/unlock", bodies);
    let (answers, right) = burst_then_last(set, 5, f.unlock(&s.device_id, &s.unlock_secret)).await;
    let t = tally(&answers);
    assert_eq!(right.code(), ErrorCode::DeviceRevoked, "{}", right.body);
    assert_eq!(t.get("pin_incorrect"), Some(&4), "{t:?}");
    assert_eq!(t.get("device_revoked"), Some(&(BURST - 4)), "{t:?}");
    assert_eq!(
        f.server.checks.unlock_secrets(),
        5,
        "only 5 secrets checked"
    );
    let device = &heeros_server::admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap()[0];
    assert_eq!(device.revoked.as_deref(), Some("wrong_pin"));
    assert_eq!(device.failed_unlocks, 5);
    assert_eq!(f.me(&s.access_token).await.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn burst_of_wrong_unlocks_revokes_at_the_fifth_and_the_right_one_after_is_refused_on_sqlite()
{
    wrong_unlocks_then_the_right_one(&sqlite().await).await;
}

#[tokio::test]
async fn burst_of_wrong_unlocks_revokes_at_the_fifth_and_the_right_one_after_is_refused_on_postgres(
) {
    if let Some(f) = postgres().await {
        wrong_unlocks_then_the_right_one(&f).await;
    }
}

/// The right secret sent in the same instant as 50 wrong ones: whatever the
/// order the server sees them in, the device ends revoked, at most 5
/// secrets are checked either side of the right one, and no token it may
/// have got still works.
async fn right_unlock_inside_the_burst(f: &Fixture) {
    let s = f.session(MATTI).await;
    let mut bodies: Vec<_> = (0..BURST)
        .map(|i| json!({"device_id": s.device_id, "unlock_secret": wrong_secret(i as u8)}))
        .collect();
    bodies.push(json!({"device_id": s.device_id, "unlock_secret": s.unlock_secret}));
    let mut set = burst(f, "/v1/unlock", bodies);
    let mut answers = Vec::new();
    while let Some(a) = set.join_next().await {
        answers.push(a.unwrap());
    }
    let t = tally(&answers);
    assert!(f.server.checks.unlock_secrets() <= 10, "{t:?}");
    assert!(t.get("pin_incorrect").copied().unwrap_or(0) <= 8, "{t:?}");
    let device = &heeros_server::admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap()[0];
    assert_eq!(device.revoked.as_deref(), Some("wrong_pin"), "{t:?}");
    for a in answers.iter().filter(|a| a.status == 200) {
        let unlocked: Unlocked = serde_json::from_value(a.body.clone()).unwrap();
        assert_eq!(
            f.me(&unlocked.access_token).await.code(),
            ErrorCode::Unauthorized
        );
    }
}

#[tokio::test]
async fn right_unlock_inside_a_burst_of_wrong_ones_ends_revoked_on_sqlite() {
    right_unlock_inside_the_burst(&sqlite().await).await;
}

#[tokio::test]
async fn right_unlock_inside_a_burst_of_wrong_ones_ends_revoked_on_postgres() {
    if let Some(f) = postgres().await {
        right_unlock_inside_the_burst(&f).await;
    }
}

/// A code that is none of the three the server accepts now.
fn wrong_code(f: &Fixture) -> String {
    wrong_code_from(f, 0)
}

async fn codes_on_one_challenge(f: &Fixture) {
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    let wrong = wrong_code(f);
    let bodies = (0..BURST)
        .map(|_| json!({"challenge": challenge, "code": wrong}))
        .collect();
    let set = burst(f, "/v1/login/totp", bodies);
    let (answers, right) = burst_then_last(set, 5, f.totp(&challenge, &f.maija_code())).await;
    let t = tally(&answers);
    assert_eq!(right.code(), ErrorCode::ChallengeExpired, "{}", right.body);
    assert_eq!(t.get("totp_invalid"), Some(&4), "{t:?}");
    assert_eq!(t.get("challenge_expired"), Some(&(BURST - 4)), "{t:?}");
    assert_eq!(f.server.checks.codes(), 5, "only 5 codes checked");
}

#[tokio::test]
async fn at_most_five_codes_are_checked_per_challenge_in_a_burst_on_sqlite() {
    codes_on_one_challenge(&sqlite().await).await;
}

#[tokio::test]
async fn at_most_five_codes_are_checked_per_challenge_in_a_burst_on_postgres() {
    if let Some(f) = postgres().await {
        codes_on_one_challenge(&f).await;
    }
}

fn login_body(name: &str, password: &str) -> serde_json::Value {
    json!({"username": name, "password": password, "device_name": "Burst", "platform": "test"})
}

async fn passwords_for_one_name(f: &Fixture) {
    let bodies = (0..BURST).map(|_| login_body(MATTI, "wrong")).collect();
    let set = burst(f, "/v1/login", bodies);
    let (answers, right) = burst_then_last(set, 5, f.login(MATTI, PASSWORD)).await;
    let t = tally(&answers);
    assert_eq!(right.code(), ErrorCode::RateLimited, "{}", right.body);
    assert_eq!(t.get("invalid_credentials"), Some(&5), "{t:?}");
    assert_eq!(t.get("rate_limited"), Some(&(BURST - 5)), "{t:?}");
    assert_eq!(f.server.checks.passwords(), 5, "Argon2 ran 5 times");
    // After the back-off the right password works again.
    f.advance(Duration::seconds(15));
    assert_eq!(f.login(MATTI, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn at_most_the_free_attempts_are_checked_per_name_in_a_burst_on_sqlite() {
    passwords_for_one_name(&sqlite().await).await;
}

#[tokio::test]
async fn at_most_the_free_attempts_are_checked_per_name_in_a_burst_on_postgres() {
    if let Some(f) = postgres().await {
        passwords_for_one_name(&f).await;
    }
}

async fn names_from_one_address(f: &Fixture) {
    let bodies = (0..80)
        .map(|i| login_body(&format!("Nobody Number{i}"), "wrong"))
        .collect();
    let mut set = burst(f, "/v1/login", bodies);
    let mut answers = Vec::new();
    while let Some(a) = set.join_next().await {
        answers.push(a.unwrap());
    }
    let t = tally(&answers);
    assert_eq!(t.get("invalid_credentials"), Some(&50), "{t:?}");
    assert_eq!(t.get("rate_limited"), Some(&30), "{t:?}");
    assert_eq!(f.server.checks.passwords(), 50, "Argon2 ran 50 times");
}

#[tokio::test]
async fn at_most_the_free_attempts_are_checked_per_address_in_a_burst_on_sqlite() {
    names_from_one_address(&sqlite().await).await;
}

#[tokio::test]
async fn at_most_the_free_attempts_are_checked_per_address_in_a_burst_on_postgres() {
    if let Some(f) = postgres().await {
        names_from_one_address(&f).await;
    }
}

/// Someone who knows the password guesses codes, logging in again whenever
/// a challenge dies and waiting out every back-off (the clock is moved):
/// exactly 100 codes get checked, then the name is locked.
#[tokio::test]
async fn a_known_password_allows_at_most_100_wrong_codes_before_the_lock() {
    let f = sqlite().await;
    let mut rounds = 0;
    'logins: loop {
        rounds += 1;
        assert!(rounds < 500, "no lock after {rounds} logins");
        let login = f.login(MAIJA, PASSWORD).await;
        let challenge = match login.status {
            200 => login.challenge(),
            429 => {
                f.advance(Duration::seconds(
                    login.error().retry_after_s.unwrap() as i64
                ));
                continue;
            }
            423 => break,
            other => panic!("{other}: {}", login.body),
        };
        loop {
            let a = f.totp(&challenge, &wrong_code(&f)).await;
            match a.code() {
                ErrorCode::TotpInvalid => {}
                ErrorCode::ChallengeExpired => continue 'logins,
                ErrorCode::RateLimited => {
                    f.advance(Duration::seconds(a.error().retry_after_s.unwrap() as i64));
                    continue 'logins;
                }
                ErrorCode::AccountLocked => break 'logins,
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(f.server.checks.codes(), 100);
    f.advance(Duration::hours(1));
    assert_eq!(
        f.login(MAIJA, PASSWORD).await.code(),
        ErrorCode::AccountLocked
    );
    heeros_server::admin::unlock_user(&f.server.db, MAIJA)
        .await
        .unwrap();
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    assert_eq!(f.totp(&challenge, &f.maija_code()).await.status, 200);
}

#[tokio::test]
async fn wrong_codes_back_off_per_user_across_challenges() {
    let f = sqlite().await;
    for _ in 0..2 {
        let c = f.login(MAIJA, PASSWORD).await.challenge();
        assert_eq!(
            f.totp(&c, &wrong_code(&f)).await.code(),
            ErrorCode::TotpInvalid
        );
        assert_eq!(
            f.totp(&c, &wrong_code(&f)).await.code(),
            ErrorCode::TotpInvalid
        );
    }
    let c = f.login(MAIJA, PASSWORD).await.challenge();
    // The 5th wrong code of the user, on its third challenge, starts the
    // back-off: a right code right after must wait too.
    assert_eq!(
        f.totp(&c, &wrong_code(&f)).await.code(),
        ErrorCode::TotpInvalid
    );
    let limited = f.totp(&c, &f.maija_code()).await;
    assert_eq!(limited.code(), ErrorCode::RateLimited);
    assert_eq!(limited.error().retry_after_s, Some(15));
    assert_eq!(
        f.login(MAIJA, PASSWORD).await.code(),
        ErrorCode::RateLimited
    );
    f.advance(Duration::seconds(15));
    assert_eq!(f.totp(&c, &f.maija_code()).await.status, 200);
}

#[tokio::test]
async fn live_challenges_per_user_are_capped_and_a_new_one_kills_the_oldest() {
    let f = sqlite().await;
    let mut challenges = Vec::new();
    for _ in 0..(heeros_server::auth::MAX_CHALLENGES_PER_USER + 1) {
        challenges.push(f.login(MAIJA, PASSWORD).await.challenge());
    }
    assert_eq!(
        f.totp(&challenges[0], &f.maija_code()).await.code(),
        ErrorCode::ChallengeExpired
    );
    let newest = challenges.last().unwrap();
    assert_eq!(f.totp(newest, &f.maija_code()).await.status, 200);
}
