//! The PIN: its policy and the crypto that turns it into the unlock secret.
//!
//! docs/design.md, Security model: `K1 ‖ K2 = Argon2id(PIN, salt)` (64
//! bytes), stored `wrapped = unlock_secret XOR K1` and `wrapped_pay =
//! payment_seed XOR K2`. No MAC, hash or checksum of either secret is kept
//! anywhere, so a wrong PIN yields plausible wrong secrets and only the
//! server (which counts) can tell. Unwrapped secrets and keys live in
//! zeroizing types.
//!
//! Logins stored before payments existed have no payment seed; their key is
//! the 32-byte Argon2id output ([`KeyLayout::UnlockOnly`]). Argon2's output
//! depends on its length, so the layout is part of what is stored.

use std::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use heeros_api::UNLOCK_SECRET_LEN;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{PinProblem, SessionError};

/// Shortest allowed PIN.
pub const PIN_MIN_LEN: usize = 4;
/// Longest allowed PIN.
pub const PIN_MAX_LEN: usize = 8;
/// Random salt per device login.
pub const SALT_LEN: usize = 16;

/// Checks a new PIN against the policy: ASCII digits only, 4 to 8 long, not
/// one digit repeated (0000) and not a straight run up or down (1234, 9876).
pub fn check_pin(pin: &str) -> Result<(), PinProblem> {
    check_shape(pin)?;
    let digits = pin.as_bytes();
    if digits.iter().all(|&d| d == digits[0]) {
        return Err(PinProblem::AllSame);
    }
    let steps = |delta: i16| {
        digits
            .windows(2)
            .all(|w| i16::from(w[1]) - i16::from(w[0]) == delta)
    };
    if steps(1) || steps(-1) {
        return Err(PinProblem::Sequence);
    }
    Ok(())
}

/// The part of the policy an unlock attempt can be refused on without asking
/// the server: a PIN of the wrong shape can never be the stored one, so it
/// should not cost one of the five attempts. (Guessability rules are not
/// re-checked here, so a stricter future policy never locks anyone out.)
pub fn check_shape(pin: &str) -> Result<(), PinProblem> {
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    if pin.len() < PIN_MIN_LEN {
        return Err(PinProblem::TooShort);
    }
    if pin.len() > PIN_MAX_LEN {
        return Err(PinProblem::TooLong);
    }
    Ok(())
}

/// Argon2id cost, stored with the wrapped secret so it can be raised later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always "argon2id" for now (version 0x13).
    pub alg: KdfAlg,
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KdfAlg {
    Argon2id,
}

impl KdfParams {
    /// The baseline of docs/design.md, Security model: m=19456 KiB, t=2, p=1.
    pub const BASELINE: KdfParams = KdfParams {
        alg: KdfAlg::Argon2id,
        m_kib: 19456,
        t: 2,
        p: 1,
    };
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::BASELINE
    }
}

/// 32 bytes: the unlock secret, a key derived from a PIN, or a wrapped secret.
type Block = [u8; UNLOCK_SECRET_LEN];

/// The per-device unlock secret the server handed out at login. Zeroized on
/// drop; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct UnlockSecret(Zeroizing<Block>);

impl UnlockSecret {
    pub fn from_bytes(bytes: Block) -> UnlockSecret {
        UnlockSecret(Zeroizing::new(bytes))
    }

    /// Decodes the wire form (base64url without padding, 32 bytes). Padding
    /// is tolerated.
    pub fn from_b64(text: &str) -> Result<UnlockSecret, SessionError> {
        let bad = || SessionError::Server("unlock secret is not 32 bytes of base64url".into());
        let mut bytes = Zeroizing::new(
            URL_SAFE_NO_PAD
                .decode(text.trim_end_matches('='))
                .map_err(|_| bad())?,
        );
        let block: Block = bytes.as_slice().try_into().map_err(|_| bad())?;
        bytes.zeroize();
        Ok(UnlockSecret::from_bytes(block))
    }

    /// The wire form. The caller should zeroize the string when done.
    pub fn to_b64(&self) -> Zeroizing<String> {
        Zeroizing::new(URL_SAFE_NO_PAD.encode(self.0.as_slice()))
    }

    pub fn as_bytes(&self) -> &Block {
        &self.0
    }
}

impl fmt::Debug for UnlockSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UnlockSecret(..)")
    }
}

/// The secret as stored: `unlock_secret XOR key`. Not secret on its own, but
/// kept out of logs anyway.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct WrappedSecret(pub Block);

impl fmt::Debug for WrappedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WrappedSecret(..)")
    }
}

/// How many keys a PIN gives a stored login (docs/design.md, Security
/// model): decided by whether the login holds a wrapped payment seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLayout {
    /// `K1` only: the 32-byte output (logins from before payments).
    UnlockOnly,
    /// `K1 ‖ K2`: the 64-byte output; `K2` wraps the payment seed.
    UnlockAndPayment,
}

/// The keys one PIN derives. Zeroized on drop.
pub struct PinKeys {
    /// `K1`: wraps the unlock secret.
    pub unlock: Zeroizing<Block>,
    /// `K2`: wraps the payment seed (not in [`KeyLayout::UnlockOnly`]).
    pub payment: Option<Zeroizing<Block>>,
}

/// A fresh random salt.
pub fn new_salt() -> [u8; SALT_LEN] {
    rand::random()
}

/// `Argon2id(pin, salt)` with `params`, split into the keys of `layout`.
/// Blocking (~20 ms on a desktop core, more on a phone): call it through
/// [`derive_keys_async`] from async code.
pub fn derive_keys(
    pin: &str,
    salt: &[u8],
    params: &KdfParams,
    layout: KeyLayout,
) -> Result<PinKeys, SessionError> {
    let KdfAlg::Argon2id = params.alg;
    let len = match layout {
        KeyLayout::UnlockOnly => UNLOCK_SECRET_LEN,
        KeyLayout::UnlockAndPayment => 2 * UNLOCK_SECRET_LEN,
    };
    let argon_params = Params::new(params.m_kib, params.t, params.p, Some(len))
        .map_err(|e| SessionError::Kdf(format!("stored parameters unusable: {e}")))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = Zeroizing::new([0u8; 2 * UNLOCK_SECRET_LEN]);
    argon
        .hash_password_into(pin.as_bytes(), salt, &mut out[..len])
        .map_err(|e| SessionError::Kdf(e.to_string()))?;
    let half = |range: std::ops::Range<usize>| {
        let mut key = Zeroizing::new([0u8; UNLOCK_SECRET_LEN]);
        key.copy_from_slice(&out[range]);
        key
    };
    Ok(PinKeys {
        unlock: half(0..UNLOCK_SECRET_LEN),
        payment: (layout == KeyLayout::UnlockAndPayment)
            .then(|| half(UNLOCK_SECRET_LEN..2 * UNLOCK_SECRET_LEN)),
    })
}

/// [`derive_keys`] on tokio's blocking pool, off the UI thread.
pub async fn derive_keys_async(
    pin: &str,
    salt: &[u8],
    params: KdfParams,
    layout: KeyLayout,
) -> Result<PinKeys, SessionError> {
    let pin = Zeroizing::new(pin.to_owned());
    let salt = salt.to_vec();
    tokio::task::spawn_blocking(move || derive_keys(&pin, &salt, &params, layout))
        .await
        .map_err(|e| SessionError::Kdf(format!("did not finish: {e}")))?
}

/// The unlock key alone of a login from before payments (32-byte output):
/// `derive_keys(.., KeyLayout::UnlockOnly).unlock`.
pub fn derive_key(
    pin: &str,
    salt: &[u8],
    params: &KdfParams,
) -> Result<Zeroizing<Block>, SessionError> {
    Ok(derive_keys(pin, salt, params, KeyLayout::UnlockOnly)?.unlock)
}

pub(super) fn xor(a: &Block, b: &Block) -> Block {
    let mut out = [0u8; UNLOCK_SECRET_LEN];
    for (o, (x, y)) in out.iter_mut().zip(a.iter().zip(b.iter())) {
        *o = x ^ y;
    }
    out
}

/// `secret XOR key`.
pub fn wrap(secret: &UnlockSecret, key: &Block) -> WrappedSecret {
    WrappedSecret(xor(secret.as_bytes(), key))
}

/// `wrapped XOR key`: the secret if the key came from the right PIN,
/// otherwise an equally plausible wrong one. There is no way to tell here.
pub fn unwrap(wrapped: &WrappedSecret, key: &Block) -> UnlockSecret {
    UnlockSecret::from_bytes(xor(&wrapped.0, key))
}
