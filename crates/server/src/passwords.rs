//! Password hashes: Argon2id PHC strings (m=19456 KiB, t=2, p=1). Hashing and
//! verifying run on the blocking pool, at most one per core at a time, so a
//! burst of logins never stalls the async workers that answer cheap calls.

use std::sync::Arc;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::error::ServerError;

/// Longest password accepted (bytes); longer ones are refused without hashing.
pub const MAX_PASSWORD_BYTES: usize = 1024;

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// Hashes a password into a PHC string (blocking: call via [`Hasher`]).
pub fn hash_blocking(password: &str) -> Result<String, ServerError> {
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| ServerError::Hashing)
}

/// Verifies a password against a PHC string (blocking). A malformed stored
/// hash verifies as false.
pub fn verify_blocking(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Runs Argon2 work off the async workers, bounded to one job per core.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    /// Verified against when the user does not exist, so an unknown user
    /// costs the same time as a wrong password.
    dummy: Arc<String>,
}

impl Hasher {
    pub fn new() -> Result<Self, ServerError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_blocking(&crate::secrets::random_token(24))?;
        Ok(Hasher {
            permits: Arc::new(Semaphore::new(cores)),
            dummy: Arc::new(dummy),
        })
    }

    /// Hashes on the blocking pool; the password is wiped from memory when
    /// the hash is done.
    pub async fn hash(&self, password: Zeroizing<String>) -> Result<String, ServerError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ServerError::Hashing)?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|_| ServerError::Hashing)?
    }

    /// Verifies against `phc`, or against the dummy hash when `phc` is None
    /// (unknown user); the latter always answers false. The password is
    /// wiped from memory when the check is done.
    pub async fn verify(&self, password: Zeroizing<String>, phc: Option<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.dummy.as_str().to_owned());
        let ok = tokio::task::spawn_blocking(move || verify_blocking(&password, &phc))
            .await
            .unwrap_or(false);
        ok && known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_phc_strings_that_verify() {
        let phc = hash_blocking("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_blocking("correct horse", &phc));
        assert!(!verify_blocking("Correct horse", &phc));
        assert!(!verify_blocking("correct horse", "not a phc string"));
    }

    #[tokio::test]
    async fn unknown_user_never_verifies_even_with_the_dummy_password() {
        let hasher = Hasher::new().unwrap();
        assert!(!hasher.verify(Zeroizing::new("anything".into()), None).await);
        let phc = hasher.hash(Zeroizing::new("pw".into())).await.unwrap();
        assert!(hasher.verify(Zeroizing::new("pw".into()), Some(phc)).await);
    }
}
