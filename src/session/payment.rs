//! The device's payment key (docs/design.md, Security model, "Payments"):
//! an Ed25519 seed made at PIN setup, stored only wrapped by the PIN
//! (`seed XOR K2`), unwrapped only to sign one confirmation and zeroized at
//! once. The server holds the public key only: it can verify a
//! confirmation, never make one.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signer, SigningKey};
use heeros_api::PAYMENT_KEY_LEN;
use zeroize::Zeroizing;

use super::pin::{xor, WrappedSecret};

/// The 32-byte Ed25519 seed. Zeroized on drop; never printed.
pub struct PaymentSeed(Zeroizing<[u8; PAYMENT_KEY_LEN]>);

impl PaymentSeed {
    /// A fresh random seed (the OS's generator).
    pub fn generate() -> PaymentSeed {
        PaymentSeed(Zeroizing::new(rand::random()))
    }

    /// The public key as `POST /v1/device/payment-key` takes it (base64url
    /// without padding).
    pub fn public_key(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing_key().verifying_key().as_bytes())
    }

    /// The Ed25519 signature of `message` (base64url without padding), as
    /// `POST /v1/payments/{id}/confirm` takes it.
    pub fn sign(&self, message: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.signing_key().sign(message.as_bytes()).to_bytes())
    }

    /// `seed XOR key`: what is stored.
    pub fn wrap(&self, key: &[u8; PAYMENT_KEY_LEN]) -> WrappedSecret {
        WrappedSecret(xor(&self.0, key))
    }

    /// `wrapped XOR key`: the seed if the key came from the right PIN,
    /// otherwise an equally plausible wrong one (its signatures then fail
    /// on the server, which counts them as wrong PINs).
    pub fn unwrap(wrapped: &WrappedSecret, key: &[u8; PAYMENT_KEY_LEN]) -> PaymentSeed {
        PaymentSeed(Zeroizing::new(xor(&wrapped.0, key)))
    }

    /// The key lives only as long as this call (dalek zeroizes it on drop).
    fn signing_key(&self) -> SigningKey {
        SigningKey::from_bytes(&self.0)
    }
}

impl fmt::Debug for PaymentSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaymentSeed(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    fn verifies(public_key: &str, message: &str, signature: &str) -> bool {
        let key: [u8; 32] = URL_SAFE_NO_PAD
            .decode(public_key)
            .unwrap()
            .try_into()
            .unwrap();
        let sig: [u8; 64] = URL_SAFE_NO_PAD
            .decode(signature)
            .unwrap()
            .try_into()
            .unwrap();
        VerifyingKey::from_bytes(&key)
            .unwrap()
            .verify(message.as_bytes(), &Signature::from_bytes(&sig))
            .is_ok()
    }

    #[test]
    fn a_signature_verifies_with_the_public_key_and_only_for_its_message() {
        let seed = PaymentSeed::generate();
        let signature = seed.sign("total_cents=100");
        assert!(verifies(&seed.public_key(), "total_cents=100", &signature));
        assert!(!verifies(&seed.public_key(), "total_cents=101", &signature));
    }

    #[test]
    fn the_right_key_unwraps_the_seed_and_a_wrong_one_a_seed_whose_signatures_fail() {
        let seed = PaymentSeed::generate();
        let wrapped = seed.wrap(&[7; 32]);
        let back = PaymentSeed::unwrap(&wrapped, &[7; 32]);
        assert_eq!(back.public_key(), seed.public_key());
        let wrong = PaymentSeed::unwrap(&wrapped, &[8; 32]);
        assert!(!verifies(&seed.public_key(), "m", &wrong.sign("m")));
    }
}
