//! Authorized calls (docs/api.md): every call made with the open session's
//! access token goes through [`SessionStore::authorized`], which renews the
//! tokens with the refresh token shortly before the access token expires,
//! and once more when the server answers `unauthorized` (a token that died
//! early: a server restart, clock skew). The unlock secret is never used
//! here: while unlocked the app holds tokens only.

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use heeros_api::{Account, ErrorBody, ErrorCode, TokenRequest, Unlocked};
use zeroize::{Zeroize, Zeroizing};

use super::api_client::{ApiClient, ApiError};
use super::journey::{Access, Event, Tokens};
use super::SessionStore;

/// An access token this close to expiry is renewed before use.
const TOKEN_MARGIN_S: i64 = 30;

/// A token from an answer, held in a zeroizing string.
pub(super) fn access_of(token: String, expires_at: DateTime<Utc>) -> Access {
    Access {
        token: Zeroizing::new(token),
        expires_at,
    }
}

/// The tokens of an unlock (no refresh token from an older server).
pub(super) fn tokens_of(
    access_token: String,
    access_expires_at: DateTime<Utc>,
    refresh_token: String,
) -> Tokens {
    Tokens {
        access: access_of(access_token, access_expires_at),
        refresh: Some(Zeroizing::new(refresh_token)).filter(|r| !r.is_empty()),
    }
}

/// An unlock's answer, split: the tokens, the account as the server knows
/// it now, and the wrong PINs since the previous unlock.
pub(super) fn split_unlocked(unlocked: Unlocked) -> (Tokens, Account, u32) {
    (
        tokens_of(
            unlocked.access_token,
            unlocked.access_expires_at,
            unlocked.refresh_token,
        ),
        unlocked.account,
        unlocked.failed_attempts_since_last_unlock,
    )
}

fn unauthorized() -> ApiError {
    ApiError::Rejected(ErrorBody::new(ErrorCode::Unauthorized))
}

impl SessionStore {
    /// Runs `call` with a live access token of the open session; on an
    /// `unauthorized` answer renews the tokens and runs it once more.
    pub(super) async fn authorized<T, F, Fut>(&mut self, call: F) -> Result<T, ApiError>
    where
        F: Fn(ApiClient, Zeroizing<String>) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let token = self.access_token(false).await?;
        match call(self.api.clone(), token).await {
            Err(e) if e.code() == Some(ErrorCode::Unauthorized) => {
                let token = self.access_token(true).await?;
                call(self.api.clone(), token).await
            }
            answer => answer,
        }
    }

    /// The open session's access token, renewed with the refresh token when
    /// it has expired, is about to, or `force` says the server refused it.
    /// `unauthorized` when there is nothing to renew with (or the server
    /// refuses the refresh token): the PIN is needed again.
    async fn access_token(&mut self, force: bool) -> Result<Zeroizing<String>, ApiError> {
        let Some(open) = self.stage.open() else {
            return Err(unauthorized());
        };
        let access = &open.tokens.access;
        if !force && access.expires_at - Duration::seconds(TOKEN_MARGIN_S) > self.clock.now() {
            return Ok(access.token.clone());
        }
        let Some(refresh) = open.tokens.refresh.clone() else {
            return Err(unauthorized());
        };
        let mut request = TokenRequest {
            refresh_token: refresh.to_string(),
        };
        let answer = self.api.refresh(&request).await;
        request.refresh_token.zeroize();
        let renewed = answer?;
        let tokens = tokens_of(
            renewed.access_token,
            renewed.access_expires_at,
            renewed.refresh_token,
        );
        let token = tokens.access.token.clone();
        self.apply(Event::TokensRenewed(tokens));
        Ok(token)
    }
}
