//! The physical floor: raw Argon2id verifications per second with the
//! server's parameters, one thread per core; no HTTP, no database.

use std::time::{Duration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordVerifier;
use heeros_server::passwords::{verify_in, Memory};

/// How each floor thread verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// Keeping its working memory, as the server's hashing threads do: the
    /// floor the login figure is judged against.
    KeptMemory,
    /// argon2's own `verify_password`, which allocates 19 MiB per call:
    /// rounds 1–3's floor, shown beside it.
    Library,
}

/// Verifications per second over `seconds`, on `threads` threads.
pub fn argon2_verifications_per_s(threads: usize, seconds: f64, how: Floor) -> f64 {
    let phc = heeros_server::passwords::hash_blocking("bench password").expect("hash");
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let phc = phc.clone();
            std::thread::spawn(move || {
                let parsed = PasswordHash::new(&phc).expect("phc");
                let library = argon2::Argon2::default();
                let mut memory = Memory::default();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let ok = match how {
                        Floor::KeptMemory => verify_in(&mut memory, "bench password", &phc),
                        Floor::Library => {
                            library.verify_password(b"bench password", &parsed).is_ok()
                        }
                    };
                    assert!(ok);
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().expect("thread")).sum();
    total as f64 / start.elapsed().as_secs_f64()
}
