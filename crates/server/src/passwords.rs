//! Password hashes: Argon2id PHC strings (m=19456 KiB, t=2, p=1). Hashing and
//! verifying run on a pool of their own, one thread per core, at most one
//! job per core at a time, and at a lower OS priority than the async
//! workers (Linux: the threads' nice value, [`HASH_NICE_ENV`]): a burst of
//! logins takes the cores only while cheap calls do not need them.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

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

/// How much higher the hashing threads' nice value is than the process's
/// (default [`DEFAULT_HASH_NICE`]; 0 runs them at the async workers'
/// priority).
pub const HASH_NICE_ENV: &str = "HEEROS_HASH_NICE";
/// Nice +10: when an async worker and a hashing thread both want a core,
/// the worker gets about nine tenths of it, and it preempts the hash on
/// waking; alone, the hash gets the whole core. Beside other busy
/// processes of normal priority it gets as little: where the server shares
/// its cores with such work, set the variable to 0 or a smaller value.
pub const DEFAULT_HASH_NICE: i32 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// Threads that run Argon2 jobs; they end when the last [`Hasher`] clone
/// is dropped (the queue closes).
struct HashPool {
    queue: Mutex<mpsc::Sender<Job>>,
}

impl HashPool {
    fn new(threads: usize, nice: i32) -> Result<HashPool, ServerError> {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_own_priority(nice);
                    loop {
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // A panicking job answers nothing (its caller sees a
                        // hashing failure); the thread goes on.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
                    }
                })?;
        }
        Ok(HashPool {
            queue: Mutex::new(queue),
        })
    }

    /// Runs `f` on a hashing thread; None if it could not run or panicked.
    async fn run<R: Send + 'static>(&self, f: impl FnOnce() -> R + Send + 'static) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.queue.lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }
}

/// Raises the calling thread's nice value by `nice` above the process's
/// own (Linux: per thread); elsewhere, or when refused, the thread keeps
/// its priority.
fn lower_own_priority(nice: i32) {
    #[cfg(target_os = "linux")]
    if nice != 0 {
        // SAFETY: gettid, getpriority and setpriority take no pointers;
        // they only read and change this thread's scheduling value.
        let done = unsafe {
            let tid = libc::gettid() as libc::id_t;
            let own = libc::getpriority(libc::PRIO_PROCESS, tid);
            libc::setpriority(libc::PRIO_PROCESS, tid, (own + nice).min(19))
        };
        if done != 0 {
            tracing::warn!(nice, "could not lower the hashing thread's priority");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = nice;
}

/// The hashing threads' nice value: [`HASH_NICE_ENV`], else the default.
fn hash_nice() -> i32 {
    std::env::var(HASH_NICE_ENV)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_HASH_NICE)
}

/// Runs Argon2 work off the async workers, on its own threads at a lower
/// priority, bounded to one job per core.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    pool: Arc<HashPool>,
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
            pool: Arc::new(HashPool::new(cores, hash_nice())?),
            dummy: Arc::new(dummy),
        })
    }

    /// Hashes on a hashing thread; the password is wiped from memory when
    /// the hash is done.
    pub async fn hash(&self, password: Zeroizing<String>) -> Result<String, ServerError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| ServerError::Hashing)?;
        self.pool
            .run(move || hash_blocking(&password))
            .await
            .ok_or(ServerError::Hashing)?
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
        let ok = self
            .pool
            .run(move || verify_blocking(&password, &phc))
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
