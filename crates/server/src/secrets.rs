//! Random secrets and how they are kept: only as SHA-256 hashes. The values
//! are 32 random bytes, so a fast hash is enough (nothing to brute-force).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `n` random bytes from the OS generator.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    buf
}

/// A random token of `n` bytes, base64url without padding.
pub fn random_token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(n))
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

/// What the database keeps of a secret: base64url(SHA-256(bytes)).
pub fn hash(bytes: &[u8]) -> String {
    b64(&Sha256::digest(bytes))
}

/// Compares a candidate against a stored hash in constant time.
pub fn matches(candidate: &[u8], stored_hash: &str) -> bool {
    let computed = hash(candidate);
    computed.as_bytes().ct_eq(stored_hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_hash_matches() {
        let a = random_bytes(32);
        let b = random_bytes(32);
        assert_ne!(a, b);
        let stored = hash(&a);
        assert!(matches(&a, &stored));
        assert!(!matches(&b, &stored));
        assert_ne!(stored, b64(&a), "the stored form is not the secret itself");
    }
}
