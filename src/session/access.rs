//! Authorized calls (docs/api.md): every call made with the open session's
//! access token goes through [`SessionStore::authorized`], which renews the
//! token shortly before it expires, and once more when the server answers
//! `unauthorized` (a token that died early: a server restart, clock skew).

use std::future::Future;

use chrono::{DateTime, Duration, Utc};
use heeros_api::{ErrorBody, ErrorCode};
use zeroize::Zeroizing;

use super::api_client::{ApiClient, ApiError};
use super::journey::{Access, Event};
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

impl SessionStore {
    /// Runs `call` with a live access token of the open session; on an
    /// `unauthorized` answer renews the token and runs it once more.
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

    /// The open session's access token, renewed when it has expired, is
    /// about to, or `force` says the server refused it.
    async fn access_token(&mut self, force: bool) -> Result<Zeroizing<String>, ApiError> {
        let Some(open) = self.stage.open() else {
            return Err(ApiError::Rejected(ErrorBody::new(ErrorCode::Unauthorized)));
        };
        let access = &open.session.access;
        if !force && access.expires_at - Duration::seconds(TOKEN_MARGIN_S) > self.clock.now() {
            return Ok(access.token.clone());
        }
        let (device_id, secret) = (open.session.device_id.clone(), open.session.secret.clone());
        let unlocked = self.api.unlock_with(&device_id, &secret).await?;
        let access = access_of(unlocked.access_token, unlocked.access_expires_at);
        let token = access.token.clone();
        self.apply(Event::AccessRenewed(access));
        Ok(token)
    }
}
