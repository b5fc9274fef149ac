//! The v2 session calls (docs/api.md, "Refresh, lock and devices"): refresh
//! tokens that rotate and betray reuse, lock, the user's own device list,
//! revoking one device, logging out everywhere. Each rule on SQLite and,
//! paired, PostgreSQL (when HEEROS_TEST_POSTGRES_URL is set; always in CI).

#[macro_use]
mod common;

use chrono::Duration;
use common::*;
use heeros_api::{paths, DeviceList, ErrorCode, Session, Tokens, Unlocked};
use serde_json::json;
use tokio::task::JoinSet;

async fn unlocked(f: &Fixture, s: &Session) -> Unlocked {
    let a = f.unlock(&s.device_id, &s.unlock_secret).await;
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

async fn refresh(f: &Fixture, token: &str) -> Answer {
    f.post(paths::TOKEN, json!({ "refresh_token": token }))
        .await
}

fn tokens(a: Answer) -> Tokens {
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

async fn bearer_post(f: &Fixture, path: &str, token: &str) -> Answer {
    f.send(f.http.post(f.url(path)).bearer_auth(token)).await
}

async fn devices(f: &Fixture, token: &str) -> DeviceList {
    let a = f
        .send(f.http.get(f.url(paths::DEVICES)).bearer_auth(token))
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    serde_json::from_value(a.body).unwrap()
}

async fn delete_device(f: &Fixture, token: &str, id: &str) -> Answer {
    f.send(f.http.delete(f.url(&paths::device(id))).bearer_auth(token))
        .await
}

async fn refresh_rotates_and_the_new_tokens_work(f: &Fixture) {
    let s = f.session(MATTI).await;
    let u = unlocked(f, &s).await;
    assert!(!u.refresh_token.is_empty());
    f.advance(Duration::minutes(14));
    let t1 = tokens(refresh(f, &u.refresh_token).await);
    assert_ne!(t1.refresh_token, u.refresh_token);
    assert_eq!(t1.access_expires_at, f.clock.now() + Duration::minutes(15));
    assert_eq!(f.me(&t1.access_token).await.status, 200);
    let t2 = tokens(refresh(f, &t1.refresh_token).await);
    assert_eq!(f.me(&t2.access_token).await.status, 200);
    assert_eq!(
        refresh(f, "not-a-token").await.code(),
        ErrorCode::Unauthorized
    );
}
on_both!(
    refresh_rotates_and_the_new_tokens_work,
    refresh_rotates_and_the_new_tokens_work_on_sqlite,
    refresh_rotates_and_the_new_tokens_work_on_postgres
);

async fn a_used_refresh_token_presented_again_revokes_the_device_session(f: &Fixture) {
    let s = f.session(MATTI).await;
    let u = unlocked(f, &s).await;
    let t = tokens(refresh(f, &u.refresh_token).await);
    assert_eq!(
        refresh(f, &u.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        refresh(f, &t.refresh_token).await.code(),
        ErrorCode::Unauthorized,
        "the thief's presentation kills the whole session"
    );
    assert_eq!(f.me(&t.access_token).await.code(), ErrorCode::Unauthorized);
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
}
on_both!(
    a_used_refresh_token_presented_again_revokes_the_device_session,
    a_used_refresh_token_presented_again_revokes_the_device_session_on_sqlite,
    a_used_refresh_token_presented_again_revokes_the_device_session_on_postgres
);

async fn a_refresh_token_sent_in_parallel_is_used_once(f: &Fixture) {
    let s = f.session(MATTI).await;
    let u = unlocked(f, &s).await;
    let mut set = JoinSet::new();
    for _ in 0..20 {
        let req = f
            .http
            .post(f.url(paths::TOKEN))
            .json(&json!({ "refresh_token": u.refresh_token }));
        set.spawn(answer(req));
    }
    let mut won = Vec::new();
    let mut refused = 0;
    while let Some(a) = set.join_next().await {
        let a = a.unwrap();
        if a.status == 200 {
            won.push(tokens(a));
        } else {
            assert_eq!(a.code(), ErrorCode::Unauthorized, "{}", a.body);
            refused += 1;
        }
    }
    assert_eq!((won.len(), refused), (1, 19));
    // The others were reuse: the session is dead, the winner's tokens too.
    assert_eq!(
        f.me(&won[0].access_token).await.code(),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        refresh(f, &won[0].refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        f.unlock(&s.device_id, &s.unlock_secret).await.code(),
        ErrorCode::DeviceRevoked
    );
}
on_both!(
    a_refresh_token_sent_in_parallel_is_used_once,
    a_refresh_token_sent_in_parallel_is_used_once_on_sqlite,
    a_refresh_token_sent_in_parallel_is_used_once_on_postgres
);

async fn a_refresh_token_dies_after_12_idle_hours_and_with_the_login(f: &Fixture) {
    let s = f.session(MATTI).await;
    let u = unlocked(f, &s).await;
    f.advance(Duration::hours(12));
    assert_eq!(
        refresh(f, &u.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    // Idle expiry is not reuse: the device session lives.
    let u = unlocked(f, &s).await;
    f.advance(Duration::hours(11));
    tokens(refresh(f, &u.refresh_token).await);
    // An hour before the 90 days end, a fresh token still dies with them.
    f.advance(Duration::days(90) - Duration::hours(24));
    let u = unlocked(f, &s).await;
    f.advance(Duration::minutes(59));
    let t = tokens(refresh(f, &u.refresh_token).await);
    f.advance(Duration::minutes(1));
    assert_eq!(
        refresh(f, &t.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
}
on_both!(
    a_refresh_token_dies_after_12_idle_hours_and_with_the_login,
    a_refresh_token_dies_after_12_idle_hours_and_with_the_login_on_sqlite,
    a_refresh_token_dies_after_12_idle_hours_and_with_the_login_on_postgres
);

async fn lock_kills_that_unlocks_tokens_and_the_device_unlocks_again(f: &Fixture) {
    let s = f.session(MATTI).await;
    let other = unlocked(f, &s).await;
    let u = unlocked(f, &s).await;
    let t = tokens(refresh(f, &u.refresh_token).await);
    assert_eq!(
        bearer_post(f, paths::LOCK, &t.access_token).await.status,
        204
    );
    for access in [&u.access_token, &t.access_token] {
        assert_eq!(f.me(access).await.code(), ErrorCode::Unauthorized);
    }
    assert_eq!(
        refresh(f, &t.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    // Another unlock's tokens are not this one's.
    assert_eq!(f.me(&other.access_token).await.status, 200);
    let again = unlocked(f, &s).await;
    assert_eq!(again.failed_attempts_since_last_unlock, 0);
    assert_eq!(f.me(&again.access_token).await.status, 200);
    tokens(refresh(f, &again.refresh_token).await);
    // A lock with a dead token is refused.
    assert_eq!(
        bearer_post(f, paths::LOCK, &t.access_token).await.code(),
        ErrorCode::Unauthorized
    );
}
on_both!(
    lock_kills_that_unlocks_tokens_and_the_device_unlocks_again,
    lock_kills_that_unlocks_tokens_and_the_device_unlocks_again_on_sqlite,
    lock_kills_that_unlocks_tokens_and_the_device_unlocks_again_on_postgres
);

async fn devices_lists_only_the_callers_own_live_sessions_marking_the_current(f: &Fixture) {
    let phone = f.session(MATTI).await;
    let tablet = f.session(MATTI).await;
    let gone = f.session(MATTI).await;
    let liisa = f.session(LIISA).await;
    assert_eq!(f.logout(&gone.access_token).await.status, 204);
    let list = devices(f, &phone.access_token).await.devices;
    let ids: Vec<&str> = list.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [tablet.device_id.as_str(), phone.device_id.as_str()]);
    let current: Vec<&str> = list
        .iter()
        .filter(|d| d.current)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(current, [phone.device_id.as_str()]);
    let d = &list[1];
    assert_eq!(
        (d.device_name.as_str(), d.platform.as_str()),
        ("Test phone", "android")
    );
    assert_eq!(d.created_at, f.clock.now());
    assert_eq!(d.login_expires_at, phone.account.login_expires_at);
    assert!(!list.iter().any(|d| d.id == liisa.device_id));
    // An unlock or a refresh is a use.
    f.advance(Duration::minutes(5));
    let u = unlocked(f, &tablet).await;
    let list = devices(f, &u.access_token).await.devices;
    assert_eq!(list[0].last_used_at, f.clock.now());
    assert!(list[0].current && !list[1].current);
    assert_eq!(
        f.send(f.http.get(f.url(paths::DEVICES))).await.code(),
        ErrorCode::Unauthorized
    );
}
on_both!(
    devices_lists_only_the_callers_own_live_sessions_marking_the_current,
    devices_lists_only_the_callers_own_live_sessions_marking_the_current_on_sqlite,
    devices_lists_only_the_callers_own_live_sessions_marking_the_current_on_postgres
);

async fn deleting_another_users_device_is_not_found_like_an_unknown_one(f: &Fixture) {
    let matti = f.session(MATTI).await;
    let liisa = f.session(LIISA).await;
    let theirs = delete_device(f, &matti.access_token, &liisa.device_id).await;
    let unknown = delete_device(f, &matti.access_token, "no-such-device").await;
    assert_eq!(theirs.code(), ErrorCode::NotFound);
    assert_eq!((theirs.status, theirs.body), (unknown.status, unknown.body));
    unlocked(f, &liisa).await;
}
on_both!(
    deleting_another_users_device_is_not_found_like_an_unknown_one,
    deleting_another_users_device_is_not_found_like_an_unknown_one_on_sqlite,
    deleting_another_users_device_is_not_found_like_an_unknown_one_on_postgres
);

async fn deleting_my_other_device_revokes_it_and_only_it(f: &Fixture) {
    let phone = f.session(MATTI).await;
    let tablet = f.session(MATTI).await;
    let on_tablet = unlocked(f, &tablet).await;
    let a = delete_device(f, &phone.access_token, &tablet.device_id).await;
    assert_eq!(a.status, 204, "{}", a.body);
    assert_eq!(
        f.unlock(&tablet.device_id, &tablet.unlock_secret)
            .await
            .code(),
        ErrorCode::DeviceRevoked
    );
    assert_eq!(
        f.me(&on_tablet.access_token).await.code(),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        refresh(f, &on_tablet.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    let list = devices(f, &phone.access_token).await.devices;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, phone.device_id);
    // Gone from the list, so gone for DELETE too.
    assert_eq!(
        delete_device(f, &phone.access_token, &tablet.device_id)
            .await
            .code(),
        ErrorCode::NotFound
    );
}
on_both!(
    deleting_my_other_device_revokes_it_and_only_it,
    deleting_my_other_device_revokes_it_and_only_it_on_sqlite,
    deleting_my_other_device_revokes_it_and_only_it_on_postgres
);

async fn logout_all_ends_every_session_of_the_user_this_one_too(f: &Fixture) {
    let phone = f.session(MATTI).await;
    let tablet = f.session(MATTI).await;
    let on_tablet = unlocked(f, &tablet).await;
    let liisa = f.session(LIISA).await;
    assert_eq!(
        bearer_post(f, paths::LOGOUT_ALL, &phone.access_token)
            .await
            .status,
        204
    );
    for token in [&phone.access_token, &on_tablet.access_token] {
        assert_eq!(f.me(token).await.code(), ErrorCode::Unauthorized);
    }
    assert_eq!(
        refresh(f, &on_tablet.refresh_token).await.code(),
        ErrorCode::Unauthorized
    );
    for s in [&phone, &tablet] {
        assert_eq!(
            f.unlock(&s.device_id, &s.unlock_secret).await.code(),
            ErrorCode::DeviceRevoked
        );
    }
    assert_eq!(f.me(&liisa.access_token).await.status, 200);
}
on_both!(
    logout_all_ends_every_session_of_the_user_this_one_too,
    logout_all_ends_every_session_of_the_user_this_one_too_on_sqlite,
    logout_all_ends_every_session_of_the_user_this_one_too_on_postgres
);
