//! The security rules of design.md section 3, each through real HTTP against
//! a real SQLite database, with the server's clock set by the test.

mod common;

use chrono::Duration;
use common::*;
use heeros_api::{ErrorCode, LoginStep};
use serde_json::json;

#[tokio::test]
async fn login_without_authenticator_creates_a_90_day_device_session() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    assert_eq!(s.account.user.display_name, MATTI);
    assert_eq!(s.account.login_expires_at, start() + Duration::days(90));
    assert_eq!(s.access_expires_at, start() + Duration::minutes(15));
    assert_eq!(
        heeros_server::secrets::unb64(&s.unlock_secret)
            .unwrap()
            .len(),
        32
    );
    assert_eq!(s.account.companies.len(), 1);
    assert_eq!(s.account.current_company_id, s.account.companies[0].id);
    assert_eq!(f.me(&s.access_token).await.status, 200);
}

#[tokio::test]
async fn user_names_match_case_insensitively_after_nfc_and_space_folding() {
    let f = sqlite().await;
    for name in ["  maija   MEIKÄLÄINEN ", "Maija Meika\u{308}la\u{308}inen"] {
        let a = f.login(name, PASSWORD).await;
        assert_eq!(a.status, 200, "{name:?}: {}", a.body);
    }
}

#[tokio::test]
async fn login_with_authenticator_needs_a_code_and_accepts_pasted_spaces() {
    let f = sqlite().await;
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    let code = f.maija_code();
    let pasted = format!(" {} {}\n", &code[..3], &code[3..]);
    let s = f.totp(&challenge, &pasted).await.session();
    assert_eq!(s.account.user.display_name, MAIJA);
    assert_eq!(s.account.companies.len(), 2);
}

#[tokio::test]
async fn totp_code_with_a_dash_and_one_step_old_is_accepted() {
    let f = sqlite().await;
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    let code = f.maija_code();
    f.advance(Duration::seconds(30));
    let dashed = format!("{}-{}", &code[..3], &code[3..]);
    assert_eq!(f.totp(&challenge, &dashed).await.status, 200);
}

#[tokio::test]
async fn totp_replay_of_the_same_code_is_rejected() {
    let f = sqlite().await;
    let code = f.maija_code();
    let first = f.login(MAIJA, PASSWORD).await.challenge();
    assert_eq!(f.totp(&first, &code).await.status, 200);
    let second = f.login(MAIJA, PASSWORD).await.challenge();
    let replay = f.totp(&second, &code).await;
    assert_eq!(replay.code(), ErrorCode::TotpInvalid);
    assert_eq!(replay.error().attempts_left, Some(4));
    // An older step than the last accepted one is refused too.
    let older = heeros_server::totp::code_at(
        heeros_server::demo::MAIJA_TOTP_SECRET,
        f.clock.now() - Duration::seconds(30),
    );
    assert_eq!(f.totp(&second, &older).await.code(), ErrorCode::TotpInvalid);
    // The next step's code is fine.
    f.advance(Duration::seconds(30));
    assert_eq!(f.totp(&second, &f.maija_code()).await.status, 200);
}

#[tokio::test]
async fn totp_challenge_dies_after_five_wrong_codes() {
    let f = sqlite().await;
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    for left in [4, 3, 2, 1] {
        let a = f.totp(&challenge, "000000").await;
        assert_eq!(a.code(), ErrorCode::TotpInvalid);
        assert_eq!(a.error().attempts_left, Some(left));
    }
    assert_eq!(
        f.totp(&challenge, "000000").await.code(),
        ErrorCode::ChallengeExpired
    );
    // Dead for good: even the right code no longer helps.
    assert_eq!(
        f.totp(&challenge, &f.maija_code()).await.code(),
        ErrorCode::ChallengeExpired
    );
}

#[tokio::test]
async fn totp_challenge_dies_after_five_minutes() {
    for (minutes, alive) in [(4, true), (5, false), (6, false)] {
        let f = sqlite().await;
        let challenge = f.login(MAIJA, PASSWORD).await.challenge();
        f.advance(Duration::minutes(minutes));
        let a = f.totp(&challenge, &f.maija_code()).await;
        assert_eq!(a.status == 200, alive, "after {minutes} min: {}", a.body);
        if !alive {
            assert_eq!(a.code(), ErrorCode::ChallengeExpired);
        }
    }
}

#[tokio::test]
async fn a_used_challenge_cannot_make_a_second_session() {
    let f = sqlite().await;
    let challenge = f.login(MAIJA, PASSWORD).await.challenge();
    assert_eq!(f.totp(&challenge, &f.maija_code()).await.status, 200);
    f.advance(Duration::seconds(30));
    assert_eq!(
        f.totp(&challenge, &f.maija_code()).await.code(),
        ErrorCode::ChallengeExpired
    );
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_identical_answers() {
    let f = sqlite().await;
    let wrong_password = f.login(MATTI, "not the password").await;
    let unknown_user = f.login("Nobody Atall", "not the password").await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_password.status, unknown_user.status);
    assert_eq!(wrong_password.body, unknown_user.body);
    assert_eq!(wrong_password.code(), ErrorCode::InvalidCredentials);
}

#[tokio::test]
async fn throttling_backs_off_per_name_with_retry_after_also_for_unknown_names() {
    for name in [MATTI, "Nobody Atall"] {
        let f = sqlite().await;
        for _ in 0..5 {
            assert_eq!(
                f.login(name, "wrong").await.code(),
                ErrorCode::InvalidCredentials
            );
        }
        let limited = f.login(name, PASSWORD).await;
        assert_eq!(limited.status, 429, "{name}");
        assert_eq!(limited.code(), ErrorCode::RateLimited);
        assert_eq!(limited.error().retry_after_s, Some(15));
        assert_eq!(limited.retry_after.as_deref(), Some("15"));
        // Another name from the same address is not held back.
        assert_eq!(f.login(LIISA, PASSWORD).await.status, 200);
        // After the wait, the right password works and clears the count.
        f.advance(Duration::seconds(15));
        if name == MATTI {
            assert_eq!(f.login(name, PASSWORD).await.status, 200);
            assert_eq!(
                f.login(name, "wrong").await.code(),
                ErrorCode::InvalidCredentials
            );
            assert_eq!(f.login(name, PASSWORD).await.status, 200);
        }
    }
}

#[tokio::test]
async fn hundred_consecutive_failures_lock_the_name_until_an_admin_unlocks() {
    let f = sqlite().await;
    for i in 0..100 {
        let a = f.login(MATTI, "wrong").await;
        assert_eq!(a.code(), ErrorCode::InvalidCredentials, "attempt {i}");
        f.advance(Duration::minutes(16));
    }
    let locked = f.login(MATTI, PASSWORD).await;
    assert_eq!(locked.code(), ErrorCode::AccountLocked);
    assert_eq!(locked.status, 423);
    heeros_server::admin::unlock_user(&f.server.db, MATTI)
        .await
        .unwrap();
    assert_eq!(f.login(MATTI, PASSWORD).await.status, 200);
}

#[tokio::test]
async fn password_reset_lifts_the_lock() {
    let f = sqlite().await;
    for _ in 0..100 {
        f.login(MATTI, "wrong").await;
        f.advance(Duration::minutes(16));
    }
    assert_eq!(
        f.login(MATTI, PASSWORD).await.code(),
        ErrorCode::AccountLocked
    );
    heeros_server::admin::reset_password(&f.server.db, MATTI, "a new password", f.clock.now())
        .await
        .unwrap();
    assert_eq!(
        f.login(MATTI, PASSWORD).await.code(),
        ErrorCode::InvalidCredentials
    );
    // That failure also counted against the address (101 in a row): wait it out.
    f.advance(Duration::minutes(16));
    assert_eq!(f.login(MATTI, "a new password").await.status, 200);
}

#[tokio::test]
async fn fifth_consecutive_wrong_unlock_revokes_the_device() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    for (i, left) in [4, 3, 2, 1].into_iter().enumerate() {
        let a = f.unlock(&s.device_id, &wrong_secret(i as u8)).await;
        assert_eq!(a.code(), ErrorCode::PinIncorrect);
        assert_eq!(a.error().attempts_left, Some(left));
    }
    assert_eq!(
        f.unlock(&s.device_id, &wrong_secret(9)).await.code(),
        ErrorCode::DeviceRevoked
    );
    // Revoked for good: the right secret no longer unlocks, tokens are dead.
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
    assert_eq!(f.me(&s.access_token).await.code(), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn right_unlock_resets_the_wrong_pin_count() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    for round in 0..3u8 {
        for i in 0..4u8 {
            assert_eq!(
                f.unlock(&s.device_id, &wrong_secret(round * 10 + i))
                    .await
                    .code(),
                ErrorCode::PinIncorrect
            );
        }
        let ok = f.unlock(&s.device_id, &s.unlock_secret).await;
        assert_eq!(ok.status, 200, "round {round}: {}", ok.body);
    }
}

#[tokio::test]
async fn login_expires_exactly_90_days_after_the_full_login() {
    for (day, alive) in [(89, true), (90, false), (91, false)] {
        let f = sqlite().await;
        let s = f.session(MATTI).await;
        f.advance(Duration::days(day));
        let a = f.unlock(&s.device_id, &s.unlock_secret).await;
        assert_eq!(a.status == 200, alive, "day {day}: {}", a.body);
        if alive {
            // Unlocking does not extend the login: it is absolute.
            let unlocked: heeros_api::Unlocked = serde_json::from_value(a.body).unwrap();
            assert_eq!(
                unlocked.account.login_expires_at,
                start() + Duration::days(90)
            );
        } else {
            assert_eq!(a.code(), ErrorCode::LoginExpired);
        }
    }
}

#[tokio::test]
async fn access_tokens_live_fifteen_minutes() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    f.advance(Duration::minutes(14));
    assert_eq!(f.me(&s.access_token).await.status, 200);
    f.advance(Duration::minutes(1));
    assert_eq!(f.me(&s.access_token).await.code(), ErrorCode::Unauthorized);
    let fresh: heeros_api::Unlocked =
        serde_json::from_value(f.unlock(&s.device_id, &s.unlock_secret).await.body).unwrap();
    assert_eq!(f.me(&fresh.access_token).await.status, 200);
}

#[tokio::test]
async fn company_switch_needs_rights_and_a_refusal_changes_nothing() {
    let f = sqlite().await;
    let liisa = f.session(LIISA).await;
    let matti = f.session(MATTI).await;
    let target = liisa
        .account
        .companies
        .iter()
        .find(|c| c.id != liisa.account.current_company_id)
        .unwrap()
        .id;
    let ok = f.switch(&liisa.access_token, target).await;
    assert_eq!(ok.body, json!({"current_company_id": target}));
    let me = f.me(&liisa.access_token).await;
    assert_eq!(me.body["current_company_id"], target);

    let not_his = liisa
        .account
        .companies
        .iter()
        .find(|c| !matti.account.companies.iter().any(|m| m.id == c.id))
        .unwrap()
        .id;
    let refused = f.switch(&matti.access_token, not_his).await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    assert_eq!(
        f.me(&matti.access_token).await.body["current_company_id"],
        matti.account.current_company_id
    );
}

#[tokio::test]
async fn company_choice_survives_unlock_and_falls_back_when_rights_go() {
    let f = sqlite().await;
    let s = f.session(LIISA).await;
    let other = s
        .account
        .companies
        .iter()
        .find(|c| c.id != s.account.current_company_id)
        .unwrap()
        .clone();
    f.switch(&s.access_token, other.id).await;
    let unlocked: heeros_api::Unlocked =
        serde_json::from_value(f.unlock(&s.device_id, &s.unlock_secret).await.body).unwrap();
    assert_eq!(unlocked.account.current_company_id, other.id);
    heeros_server::admin::revoke(&f.server.db, LIISA, &other.business_id)
        .await
        .unwrap();
    let me = f.me(&unlocked.access_token).await;
    assert_ne!(me.body["current_company_id"], other.id);
    assert_eq!(me.body["companies"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn logout_kills_the_device_session_and_its_tokens() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    let out = f.logout(&s.access_token).await;
    assert_eq!(out.status, 204);
    assert_eq!(f.me(&s.access_token).await.code(), ErrorCode::Unauthorized);
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
}

#[tokio::test]
async fn admin_device_revoke_ends_unlocks() {
    let f = sqlite().await;
    let s = f.session(MATTI).await;
    let devices = heeros_server::admin::list_devices(&f.server.db, Some(MATTI))
        .await
        .unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device_name, "Test phone");
    assert_eq!(
        heeros_server::admin::revoke_devices(&f.server.db, MATTI, f.clock.now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
}

#[tokio::test]
async fn duplicate_user_names_get_a_digit() {
    let f = sqlite().await;
    let (_, name) =
        heeros_server::admin::add_user(&f.server.db, "maija  meikäläinen", "pw-1", f.clock.now())
            .await
            .unwrap();
    assert_eq!(name, "maija meikäläinen1");
    let (_, name) = heeros_server::admin::add_user(&f.server.db, MAIJA, "pw-2", f.clock.now())
        .await
        .unwrap();
    assert_eq!(name, "Maija Meikäläinen2");
    heeros_server::admin::add_company(&f.server.db, "Solo Oy", "9999999-9")
        .await
        .unwrap();
    heeros_server::admin::grant(&f.server.db, "Maija Meikäläinen2", "9999999-9")
        .await
        .unwrap();
    match f.login("MAIJA MEIKÄLÄINEN2", "pw-2").await.step() {
        LoginStep::PinSetup { session } => {
            assert_eq!(session.account.user.display_name, "Maija Meikäläinen2")
        }
        other => panic!("{other:?}"),
    }
}
