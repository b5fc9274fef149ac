//! The HTTP surface of wire contract v1: thin handlers that parse, call
//! `auth`, and map `ApiError` to `{"error", "message"}` answers.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use heeros_api::{
    paths, CompanyChanged, CompanyRequest, ErrorBody, LoginRequest, LoginStep, Me, TotpRequest,
    UnlockRequest, Unlocked, MAX_BODY_BYTES,
};
use serde::de::DeserializeOwned;

use crate::auth::{self, Auth, Caller};
use crate::clock::Clock;
use crate::error::ApiError;

/// Everything a request handler may touch.
#[derive(Clone)]
pub struct AppState {
    pub auth: Auth,
    pub clock: Clock,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy
    /// you run; otherwise clients could pick their own throttle key).
    pub trust_forwarded: bool,
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route(paths::HEALTHZ, get(healthz))
        .route(paths::LOGIN, post(login))
        .route(paths::LOGIN_TOTP, post(login_totp))
        .route(paths::UNLOCK, post(unlock))
        .route(paths::ME, get(me))
        .route(paths::ME_COMPANY, put(switch_company))
        .route(paths::LOGOUT, post(logout))
        .fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let code = self.code();
        match &self {
            ApiError::Internal(detail) => tracing::error!(%detail, "internal error"),
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let mut body = ErrorBody::new(code);
        let mut retry_after = None;
        match self {
            ApiError::RateLimited { retry_after_s } => {
                body.retry_after_s = Some(retry_after_s);
                retry_after = Some(retry_after_s);
            }
            ApiError::TotpInvalid { attempts_left } | ApiError::PinIncorrect { attempts_left } => {
                body.attempts_left = Some(attempts_left);
            }
            ApiError::Unavailable(_) => retry_after = Some(2),
            _ => {}
        }
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// `Json<T>` whose rejections are answered in the contract's error shape:
/// 413 for an oversized body, 400 for anything else malformed.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

fn reject(rejection: JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        // The serde message names the field, never echoes the value.
        ApiError::BadRequest(rejection.body_text())
    }
}

/// The client's address, the per-address throttle key.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.trust_forwarded {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty());
            if let Some(addr) = forwarded {
                return Ok(ClientAddr(addr));
            }
        }
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(a)| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientAddr(addr))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        auth::authenticate(&state.auth.db, token, state.clock.now()).await
    }
}

async fn healthz(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.auth.db.ping().await?;
    Ok("ok")
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginStep>, ApiError> {
    let now = state.clock.now();
    state.auth.login(req, &client, now).await.map(Json)
}

async fn login_totp(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TotpRequest>,
) -> Result<Json<LoginStep>, ApiError> {
    state
        .auth
        .login_totp(req, state.clock.now())
        .await
        .map(Json)
}

async fn unlock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<UnlockRequest>,
) -> Result<Json<Unlocked>, ApiError> {
    auth::unlock(&state.auth.db, req, state.clock.now())
        .await
        .map(Json)
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, ApiError> {
    auth::me(&state.auth.db, caller.user_id).await.map(Json)
}

async fn switch_company(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CompanyRequest>,
) -> Result<Json<CompanyChanged>, ApiError> {
    auth::switch_company(&state.auth.db, &caller, req.company_id)
        .await
        .map(Json)
}

async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    auth::logout(&state.auth.db, &caller, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
