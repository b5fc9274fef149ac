//! The physical floor: raw Argon2id verifications per second with the
//! server's parameters, one thread per core, each reusing its working
//! memory as the server's hashing threads do; no HTTP, no database.

use std::time::{Duration, Instant};

use heeros_server::passwords::{verify_in, Memory};

/// Verifications per second over `seconds`, on `threads` threads.
pub fn argon2_verifications_per_s(threads: usize, seconds: f64) -> f64 {
    let phc = heeros_server::passwords::hash_blocking("bench password").expect("hash");
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let phc = phc.clone();
            std::thread::spawn(move || {
                let mut memory = Memory::default();
                let mut n = 0u64;
                while Instant::now() < deadline {
                    assert!(verify_in(&mut memory, "bench password", &phc));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().expect("thread")).sum();
    total as f64 / start.elapsed().as_secs_f64()
}
