//! The HTTP surface of the wire contract (v1, the v2 session calls, invoices
//! and payments): thin handlers that parse, call `auth`, and map
//! `Rejection` to `{"error", "message"}` answers.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use heeros_api::{
    paths, CompanyChanged, CompanyRequest, ConfirmRequest, DeviceList, ErrorBody, ErrorCode,
    Invoice, InvoiceList, LoginRequest, LoginStep, Me, PaymentConfirmed, PaymentKeyRequest,
    PaymentOrder, PaymentRequest, RejectRequest, TokenRequest, Tokens, TotpRequest, UnlockRequest,
    Unlocked, MAX_BODY_BYTES,
};
use serde::de::DeserializeOwned;
use zeroize::{Zeroize, Zeroizing};

use crate::auth::{Auth, Caller};
use crate::clock::Clock;
use crate::error::Rejection;

/// Everything a request handler may touch.
#[derive(Clone)]
pub struct AppState {
    pub auth: Auth,
    pub clock: Clock,
    /// How many proxies of yours stand in front of the server (0: none).
    /// With N, the client address is the Nth entry from the right of
    /// `X-Forwarded-For`: each proxy appends the address it saw, so entries
    /// further left were written by the client and prove nothing.
    pub trust_forwarded: usize,
    /// Longest time for a whole request, body included.
    pub request_timeout: Duration,
    /// Whether answers carry a `Server-Timing` header ([`server_timing`]).
    pub server_timing: bool,
}

/// Most header lines a request may have, and most bytes of them in all;
/// more is answered 431 in the error shape.
pub const MAX_HEADERS: usize = 64;
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

pub fn app(state: AppState) -> Router {
    let request_timeout = state.request_timeout;
    let timed = state.server_timing;
    let router = Router::new()
        .route(paths::HEALTHZ, get(healthz))
        .route(paths::LOGIN, post(login))
        .route(paths::LOGIN_TOTP, post(login_totp))
        .route(paths::UNLOCK, post(unlock))
        .route(paths::ME, get(me))
        .route(paths::ME_COMPANY, put(switch_company))
        .route(paths::LOGOUT, post(logout))
        .route(paths::TOKEN, post(token))
        .route(paths::LOCK, post(lock))
        .route(paths::DEVICES, get(devices))
        .route(paths::DEVICE, delete(delete_device))
        .route(paths::LOGOUT_ALL, post(logout_all))
        .route(paths::PAYMENT_KEY, post(payment_key))
        .route(paths::INVOICES, get(invoices))
        .route(paths::INVOICE_APPROVE, post(approve_invoice))
        .route(paths::INVOICE_REJECT, post(reject_invoice))
        .route(paths::PAYMENTS, post(create_payment))
        .route(paths::PAYMENT_CONFIRM, post(confirm_payment))
        .fallback(|| async { Rejection::NotFound })
        .method_not_allowed_fallback(|| async { Rejection::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            request_timeout,
        ))
        .layer(middleware::from_fn(limit_headers))
        .layer(middleware::map_response(error_body_for_bare_errors))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state);
    if timed {
        router.layer(middleware::from_fn(server_timing))
    } else {
        router
    }
}

/// `Server-Timing: app;dur=MS` (W3C Server Timing): how long the server
/// took from the request's headers to its answer, every layer and the
/// body's read included, in milliseconds. What a client measures beyond
/// this is the network and its own waits (docs/api.md, "Server-Timing").
async fn server_timing(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={ms:.3}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// 431 for requests with too many or too large headers (hyper's own limits
/// are set higher, so this answer carries the error body).
async fn limit_headers(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let bytes: usize = headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if headers.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES {
        return Rejection::HeadersTooLarge.into_response();
    }
    next.run(req).await
}

/// Every error answer has the contract's body: one that left a layer
/// without one (a timeout, a body-limit or method rejection) gets it here.
async fn error_body_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    let bare = (status.is_client_error() || status.is_server_error())
        && !response.headers().contains_key(header::CONTENT_TYPE);
    if !bare {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let code = match status {
        StatusCode::NOT_FOUND => ErrorCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ErrorCode::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => ErrorCode::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ErrorCode::HeadersTooLarge,
        StatusCode::SERVICE_UNAVAILABLE => ErrorCode::Unavailable,
        s if s.is_server_error() => ErrorCode::Internal,
        _ => ErrorCode::BadRequest,
    };
    let body = serde_json::to_vec(&ErrorBody::new(code)).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(body))
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let code = self.code();
        match &self {
            Rejection::Internal(detail) => tracing::error!(%detail, "internal error"),
            Rejection::Unavailable(detail) => tracing::warn!(%detail, "database unavailable"),
            _ => {}
        }
        let mut body = ErrorBody::new(code);
        let mut retry_after = None;
        match self {
            Rejection::RateLimited { retry_after_s } => {
                body.retry_after_s = Some(retry_after_s);
                retry_after = Some(retry_after_s);
            }
            Rejection::TotpInvalid { attempts_left }
            | Rejection::PinIncorrect { attempts_left } => {
                body.attempts_left = Some(attempts_left);
            }
            Rejection::Unavailable(_) => retry_after = Some(2),
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
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(reject(rejection)),
        }
    }
}

fn reject(rejection: JsonRejection) -> Rejection {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Rejection::PayloadTooLarge
    } else {
        // The serde message names the field, never echoes the value.
        Rejection::BadRequest(rejection.body_text())
    }
}

/// The client's address as a per-address throttle key: an IPv4 address, or
/// the /64 network of an IPv6 address (one subscriber usually has a whole
/// /64, so a /128 key would cost an attacker nothing to change).
pub struct ClientAddr(pub String);

/// The throttle key of an address.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// One `X-Forwarded-For` entry as an address: `1.2.3.4`, `1.2.3.4:5678`,
/// `2001:db8::1`, `[2001:db8::1]:5678`.
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// The client's address behind `hops` trusted proxies: the `hops`-th entry
/// from the right of all `X-Forwarded-For` values (in order). The socket's
/// address when `hops` is 0, the header is missing or too short, or the
/// entry is not an address.
pub fn client_ip(socket: IpAddr, headers: &HeaderMap, hops: usize) -> IpAddr {
    if hops == 0 {
        return socket;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    entries
        .len()
        .checked_sub(hops)
        .and_then(|i| parse_forwarded(entries[i]))
        .unwrap_or(socket)
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let socket = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(a)| a.ip());
        let ip = client_ip(socket, &parts.headers, state.trust_forwarded);
        Ok(ClientAddr(address_key(ip)))
    }
}

/// The body of `POST /v1/login`: the raw bytes are wiped once parsed (when
/// no one else holds them), and the password is moved into a buffer that is
/// wiped when the login is done.
pub struct LoginBody(pub LoginRequest, pub Zeroizing<String>);

impl<S: Send + Sync> FromRequest<S> for LoginBody {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Rejection> {
        let json_content = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Rejection::PayloadTooLarge
            } else {
                Rejection::BadRequest(r.body_text())
            }
        })?;
        if !json_content {
            wipe(bytes);
            return Err(Rejection::BadRequest(
                "Expected request with `Content-Type: application/json`".into(),
            ));
        }
        let parsed = serde_json::from_slice::<LoginRequest>(&bytes);
        wipe(bytes);
        let mut req = parsed.map_err(|e| Rejection::BadRequest(without_input(&e)))?;
        let password = Zeroizing::new(std::mem::take(&mut req.password));
        Ok(LoginBody(req, password))
    }
}

/// Zeroes a body's bytes if this is the only handle on them.
fn wipe(bytes: Bytes) {
    if let Ok(mut owned) = bytes.try_into_mut() {
        owned.as_mut().zeroize();
    }
}

/// A serde error's message without the input it quotes.
fn without_input(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => {
            let text = e.to_string();
            if text.starts_with("missing field") {
                text
            } else {
                "Failed to deserialize the JSON body into the target type".into()
            }
        }
        Category::Syntax | Category::Eof => "Failed to parse the request body as JSON".into(),
        Category::Io => "Failed to read the request body".into(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Rejection::Unauthorized)?;
        state.auth.authenticate(token, state.clock.now()).await
    }
}

async fn healthz(State(state): State<AppState>) -> Result<&'static str, Rejection> {
    state.auth.db.ping().await?;
    Ok("ok")
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    LoginBody(req, password): LoginBody,
) -> Result<Json<LoginStep>, Rejection> {
    let now = state.clock.now();
    state
        .auth
        .login(req, password, &client, now)
        .await
        .map(Json)
}

async fn login_totp(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TotpRequest>,
) -> Result<Json<LoginStep>, Rejection> {
    state
        .auth
        .login_totp(req, state.clock.now())
        .await
        .map(Json)
}

async fn unlock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<UnlockRequest>,
) -> Result<Json<Unlocked>, Rejection> {
    state.auth.unlock(req, state.clock.now()).await.map(Json)
}

async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<Me>, Rejection> {
    state.auth.me(&caller).await.map(Json)
}

async fn switch_company(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<CompanyRequest>,
) -> Result<Json<CompanyChanged>, Rejection> {
    state
        .auth
        .switch_company(&caller, req.company_id)
        .await
        .map(Json)
}

async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Rejection> {
    state.auth.logout(&caller, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn token(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<Json<Tokens>, Rejection> {
    state.auth.refresh(req, state.clock.now()).await.map(Json)
}

async fn lock(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Rejection> {
    state.auth.lock(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn devices(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DeviceList>, Rejection> {
    state
        .auth
        .devices(&caller, state.clock.now())
        .await
        .map(Json)
}

async fn delete_device(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, Rejection> {
    state
        .auth
        .revoke_own_device(&caller, &id, state.clock.now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn logout_all(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<StatusCode, Rejection> {
    state.auth.logout_all(&caller, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn payment_key(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PaymentKeyRequest>,
) -> Result<StatusCode, Rejection> {
    state.auth.set_payment_key(&caller, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn invoices(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<InvoiceList>, Rejection> {
    state.auth.invoices(&caller).await.map(Json)
}

/// An invoice id from the path; one that is not a number names no invoice.
fn invoice_id(text: &str) -> Result<i64, Rejection> {
    text.parse().map_err(|_| Rejection::NotFound)
}

async fn approve_invoice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Invoice>, Rejection> {
    let id = invoice_id(&id)?;
    state
        .auth
        .approve_invoice(&caller, id, state.clock.now())
        .await
        .map(Json)
}

async fn reject_invoice(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RejectRequest>,
) -> Result<Json<Invoice>, Rejection> {
    let id = invoice_id(&id)?;
    state
        .auth
        .reject_invoice(&caller, id, &req.reason, state.clock.now())
        .await
        .map(Json)
}

async fn create_payment(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PaymentRequest>,
) -> Result<Json<PaymentOrder>, Rejection> {
    state
        .auth
        .create_payment(&caller, req, state.clock.now())
        .await
        .map(Json)
}

async fn confirm_payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ConfirmRequest>,
) -> Result<Json<PaymentConfirmed>, Rejection> {
    state
        .auth
        .confirm_payment(&caller, &id, req, state.clock.now())
        .await
        .map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn client_address_is_the_nth_forwarded_entry_from_the_right() {
        let socket: IpAddr = "10.0.0.1".parse().unwrap();
        let cases: [(&[&str], usize, &str); 9] = [
            (&["1.1.1.1, 2.2.2.2"], 0, "10.0.0.1"),
            (&["6.6.6.6, 2.2.2.2"], 1, "2.2.2.2"),
            (&["6.6.6.6, 2.2.2.2, 3.3.3.3"], 2, "2.2.2.2"),
            (&["6.6.6.6", "2.2.2.2"], 1, "2.2.2.2"),
            (&["2.2.2.2"], 2, "10.0.0.1"),
            (&["6.6.6.6, not-an-ip"], 1, "10.0.0.1"),
            (&["6.6.6.6, 2.2.2.2:4711"], 1, "2.2.2.2"),
            (&["[2001:db8::1]:443"], 1, "2001:db8::1"),
            (&[], 1, "10.0.0.1"),
        ];
        for (values, hops, want) in cases {
            let got = client_ip(socket, &xff(values), hops);
            assert_eq!(got.to_string(), want, "{values:?} hops {hops}");
        }
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_network() {
        let a = address_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap());
        let b = address_key("2001:db8:1:2::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, b);
        assert_ne!(a, address_key("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(
            address_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1"
        );
        assert_eq!(address_key("192.0.2.1".parse().unwrap()), "192.0.2.1");
    }
}
