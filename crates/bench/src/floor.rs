//! The physical floor: raw Argon2id verifications per second with the
//! server's parameters, one thread per core, no HTTP, no database.

use std::time::{Duration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordVerifier;

/// Verifications per second over `seconds`, on `threads` threads.
pub fn argon2_verifications_per_s(threads: usize, seconds: f64) -> f64 {
    let phc = heeros_server::passwords::hash_blocking("bench password").expect("hash");
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let phc = phc.clone();
            std::thread::spawn(move || {
                let parsed = PasswordHash::new(&phc).expect("phc");
                let argon = argon2::Argon2::default();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    assert!(argon.verify_password(b"bench password", &parsed).is_ok());
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().expect("thread")).sum();
    total as f64 / start.elapsed().as_secs_f64()
}
