//! The HTTP client of the wire contract (docs/api.md, `heeros_api`).
//!
//! HTTPS through rustls with bundled web PKI roots; plain http only to a
//! loopback host (development and tests). Every call has a connect timeout
//! and a request timeout; logout has a short one because it is best effort.

use std::net::IpAddr;
use std::time::Duration;

use heeros_api::{
    paths, CompanyChanged, CompanyRequest, ConfirmRequest, DeviceList, ErrorBody, ErrorCode,
    Invoice, InvoiceList, LoginRequest, LoginStep, Me, PaymentConfirmed, PaymentKeyRequest,
    PaymentOrder, PaymentRequest, RejectRequest, TokenRequest, Tokens, TotpRequest, UnlockRequest,
    Unlocked,
};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::{Host, Url};

use super::pin::UnlockSecret;
use super::SessionError;
use zeroize::{Zeroize, Zeroizing};

/// Time allowed to open a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time allowed for a whole request, answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// Logout is best effort: the app wipes its data whatever the answer.
pub const LOGOUT_TIMEOUT: Duration = Duration::from_secs(3);

/// What went wrong talking to the server. The session store decides what a
/// rejection means for the journey; [`SessionError`] is what the UI sees.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// No answer: connection refused, DNS, TLS, reset, timeout.
    #[error("server unreachable")]
    Offline,
    /// The server answered with one of the wire's error codes.
    #[error("server said {}", .0.error.default_message())]
    Rejected(ErrorBody),
    /// The server answered something outside the contract.
    #[error("unexpected answer: {0}")]
    Unexpected(String),
}

impl ApiError {
    /// The wire code when the server rejected the call.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Rejected(body) => Some(body.error),
            _ => None,
        }
    }
}

impl From<ApiError> for SessionError {
    fn from(err: ApiError) -> Self {
        match err {
            ApiError::Offline => SessionError::Offline,
            ApiError::Unexpected(what) => SessionError::Server(what),
            ApiError::Rejected(body) => match body.error {
                ErrorCode::InvalidCredentials => SessionError::InvalidCredentials,
                ErrorCode::RateLimited => SessionError::RateLimited {
                    retry_after_s: body.retry_after_s.unwrap_or(0),
                },
                ErrorCode::AccountLocked => SessionError::AccountLocked,
                ErrorCode::TotpInvalid => SessionError::CodeInvalid {
                    attempts_left: body.attempts_left.unwrap_or(0),
                },
                ErrorCode::PinIncorrect => SessionError::PinIncorrect {
                    attempts_left: body.attempts_left.unwrap_or(0),
                },
                ErrorCode::Forbidden => SessionError::Forbidden,
                ErrorCode::InvalidState | ErrorCode::NotFound => SessionError::Outdated,
                // The rest either change the journey (the store handles them
                // before they get here) or are faults: words from the server.
                other => SessionError::Server(other.default_message().to_owned()),
            },
        }
    }
}

/// Client of one Heeros server. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct ApiClient {
    /// Base URL without a trailing slash, e.g. `https://api.example.fi`.
    base: String,
    http: reqwest::Client,
}

impl ApiClient {
    /// A client for `base_url`. Refuses anything but `https://`, except
    /// `http://` to a loopback host (127.0.0.0/8, ::1, localhost).
    pub fn new(base_url: &str) -> Result<ApiClient, SessionError> {
        let url = check_base_url(base_url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // An API never redirects; following one could leave https.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(url.scheme() == "https")
            .user_agent(concat!("heeros-mobile/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SessionError::Config(format!("HTTP client setup failed: {e}")))?;
        Ok(ApiClient {
            base: url.as_str().trim_end_matches('/').to_owned(),
            http,
        })
    }

    /// The base URL this client talks to (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `POST /v1/login`
    pub async fn login(&self, body: &LoginRequest) -> Result<LoginStep, ApiError> {
        self.call(secret_json(self.request(Method::POST, paths::LOGIN), body)?)
            .await
    }

    /// `POST /v1/login/totp`
    pub async fn login_totp(&self, body: &TotpRequest) -> Result<LoginStep, ApiError> {
        self.call(secret_json(
            self.request(Method::POST, paths::LOGIN_TOTP),
            body,
        )?)
        .await
    }

    /// `POST /v1/unlock`
    pub async fn unlock(&self, body: &UnlockRequest) -> Result<Unlocked, ApiError> {
        self.call(secret_json(
            self.request(Method::POST, paths::UNLOCK),
            body,
        )?)
        .await
    }

    /// `POST /v1/unlock` with an unwrapped candidate secret; the encoded
    /// copy in the request body is zeroized after sending.
    pub async fn unlock_with(
        &self,
        device_id: &str,
        secret: &UnlockSecret,
    ) -> Result<Unlocked, ApiError> {
        let mut request = UnlockRequest {
            device_id: device_id.to_owned(),
            unlock_secret: secret.to_b64().to_string(),
        };
        let answer = self.unlock(&request).await;
        request.unlock_secret.zeroize();
        answer
    }

    /// `GET /v1/me`
    pub async fn me(&self, access_token: &str) -> Result<Me, ApiError> {
        self.call(
            self.request(Method::GET, paths::ME)
                .bearer_auth(access_token),
        )
        .await
    }

    /// `PUT /v1/me/company`
    pub async fn set_company(
        &self,
        access_token: &str,
        company_id: i64,
    ) -> Result<CompanyChanged, ApiError> {
        let body = CompanyRequest { company_id };
        self.call(
            self.request(Method::PUT, paths::ME_COMPANY)
                .bearer_auth(access_token)
                .json(&body),
        )
        .await
    }

    /// `POST /v1/logout` with the short [`LOGOUT_TIMEOUT`].
    pub async fn logout(&self, access_token: &str) -> Result<(), ApiError> {
        no_content(
            self.request(Method::POST, paths::LOGOUT)
                .bearer_auth(access_token)
                .timeout(LOGOUT_TIMEOUT),
        )
        .await
    }

    /// `POST /v1/token`: new tokens for a refresh token (which dies).
    pub async fn refresh(&self, body: &TokenRequest) -> Result<Tokens, ApiError> {
        self.call(secret_json(self.request(Method::POST, paths::TOKEN), body)?)
            .await
    }

    /// `POST /v1/lock` with the short [`LOGOUT_TIMEOUT`]: this unlock's
    /// tokens die.
    pub async fn lock(&self, access_token: &str) -> Result<(), ApiError> {
        no_content(
            self.request(Method::POST, paths::LOCK)
                .bearer_auth(access_token)
                .timeout(LOGOUT_TIMEOUT),
        )
        .await
    }

    /// `GET /v1/devices`: the user's live device sessions.
    pub async fn devices(&self, access_token: &str) -> Result<DeviceList, ApiError> {
        self.call(
            self.request(Method::GET, paths::DEVICES)
                .bearer_auth(access_token),
        )
        .await
    }

    /// `DELETE /v1/devices/{id}`: ends one of the user's device sessions.
    pub async fn delete_device(&self, access_token: &str, id: &str) -> Result<(), ApiError> {
        no_content(
            self.request(Method::DELETE, &paths::device(id))
                .bearer_auth(access_token),
        )
        .await
    }

    /// `POST /v1/logout/all`: every device session of the user ends.
    pub async fn logout_all(&self, access_token: &str) -> Result<(), ApiError> {
        no_content(
            self.request(Method::POST, paths::LOGOUT_ALL)
                .bearer_auth(access_token),
        )
        .await
    }

    /// `POST /v1/device/payment-key`: the public half of this device's
    /// payment key (the same key again is accepted; another is not).
    pub async fn register_payment_key(
        &self,
        access_token: &str,
        public_key: &str,
    ) -> Result<(), ApiError> {
        let body = PaymentKeyRequest {
            public_key: public_key.to_owned(),
        };
        no_content(
            self.request(Method::POST, paths::PAYMENT_KEY)
                .bearer_auth(access_token)
                .json(&body),
        )
        .await
    }

    /// `GET /v1/invoices`: the current company's invoices.
    pub async fn invoices(&self, access_token: &str) -> Result<InvoiceList, ApiError> {
        self.call(
            self.request(Method::GET, paths::INVOICES)
                .bearer_auth(access_token),
        )
        .await
    }

    /// `POST /v1/invoices/{id}/approve`
    pub async fn approve(&self, access_token: &str, id: i64) -> Result<Invoice, ApiError> {
        self.call(
            self.request(Method::POST, &paths::invoice_approve(id))
                .bearer_auth(access_token),
        )
        .await
    }

    /// `POST /v1/invoices/{id}/reject`
    pub async fn reject(
        &self,
        access_token: &str,
        id: i64,
        reason: &str,
    ) -> Result<Invoice, ApiError> {
        let body = RejectRequest {
            reason: reason.to_owned(),
        };
        self.call(
            self.request(Method::POST, &paths::invoice_reject(id))
                .bearer_auth(access_token)
                .json(&body),
        )
        .await
    }

    /// `POST /v1/payments`: a payment order of approved invoices.
    pub async fn create_payment(
        &self,
        access_token: &str,
        invoice_ids: Vec<i64>,
    ) -> Result<PaymentOrder, ApiError> {
        let body = PaymentRequest { invoice_ids };
        self.call(
            self.request(Method::POST, paths::PAYMENTS)
                .bearer_auth(access_token)
                .json(&body),
        )
        .await
    }

    /// `POST /v1/payments/{id}/confirm` with the PIN's signature.
    pub async fn confirm_payment(
        &self,
        access_token: &str,
        payment_id: &str,
        signature: String,
    ) -> Result<PaymentConfirmed, ApiError> {
        let body = ConfirmRequest { signature };
        self.call(
            self.request(Method::POST, &paths::payment_confirm(payment_id))
                .bearer_auth(access_token)
                .json(&body),
        )
        .await
    }

    /// `GET /healthz`: whether the server answers at all.
    pub async fn healthz(&self) -> Result<(), ApiError> {
        no_content(self.request(Method::GET, paths::HEALTHZ)).await
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http.request(method, format!("{}{}", self.base, path))
    }

    async fn call<T: DeserializeOwned>(&self, req: RequestBuilder) -> Result<T, ApiError> {
        let resp = req.send().await.map_err(transport_error)?;
        if resp.status().is_success() {
            let body = read_capped(resp).await?;
            serde_json::from_slice(&body)
                .map_err(|e| ApiError::Unexpected(format!("answer not understood: {e}")))
        } else {
            Err(rejection(resp).await)
        }
    }
}

/// Parses and vets a base URL: https anywhere, http only to loopback.
pub fn check_base_url(base_url: &str) -> Result<Url, SessionError> {
    let url = Url::parse(base_url.trim())
        .map_err(|e| SessionError::Config(format!("invalid server address {base_url:?}: {e}")))?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(SessionError::Config(format!(
            "invalid server address {base_url:?}"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(SessionError::Config(format!(
            "refusing plain http to {}: use https (http is allowed only to this machine)",
            url.host_str().unwrap_or_default()
        ))),
        other => Err(SessionError::Config(format!(
            "unsupported scheme {other:?} in server address"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost"
        }
        None => false,
    }
}

fn transport_error(e: reqwest::Error) -> ApiError {
    if e.is_builder() {
        ApiError::Unexpected(format!("request could not be built: {e}"))
    } else if e.is_decode() {
        ApiError::Unexpected(format!("answer not understood: {e}"))
    } else {
        // connect, timeout, reset, TLS, body cut short: no usable answer.
        ApiError::Offline
    }
}

async fn rejection(resp: reqwest::Response) -> ApiError {
    let status = resp.status();
    let retry_after = resp
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let bytes = match read_capped(resp).await {
        Ok(bytes) => bytes,
        Err(e) => return e,
    };
    match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(mut body) => {
            if body.error == ErrorCode::RateLimited && body.retry_after_s.is_none() {
                body.retry_after_s = retry_after;
            }
            ApiError::Rejected(body)
        }
        Err(_) => ApiError::Unexpected(unexpected_status(status)),
    }
}

/// Sends a call whose success has no body worth reading.
async fn no_content(req: RequestBuilder) -> Result<(), ApiError> {
    let resp = req.send().await.map_err(transport_error)?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(rejection(resp).await)
    }
}

/// A JSON body holding a secret (password, code, unlock secret): the only
/// serialized copy is wiped when the request is done with it.
fn secret_json<T: Serialize>(req: RequestBuilder, body: &T) -> Result<RequestBuilder, ApiError> {
    let json = Zeroizing::new(
        serde_json::to_vec(body)
            .map_err(|e| ApiError::Unexpected(format!("request not encodable: {e}")))?,
    );
    Ok(req
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(bytes::Bytes::from_owner(json)))
}

/// The largest answer body the app reads; a bigger one is refused before
/// it is parsed (or held whole in memory). A company's invoice list is the
/// largest answer: about 350 bytes an invoice, so some 1,500 invoices.
pub const MAX_ANSWER_BYTES: usize = 512 * 1024;

/// Reads an answer body, at most [`MAX_ANSWER_BYTES`] of it.
async fn read_capped(mut resp: reqwest::Response) -> Result<Vec<u8>, ApiError> {
    if resp
        .content_length()
        .is_some_and(|len| len > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn too_large() -> ApiError {
    ApiError::Unexpected(format!("answer larger than {MAX_ANSWER_BYTES} bytes"))
}

fn unexpected_status(status: StatusCode) -> String {
    format!("HTTP {status}")
}
