//! Password hashes: Argon2id PHC strings (m=19456 KiB, t=2, p=1). Hashing and
//! verifying run on a pool of their own, one thread per core, at most one
//! job per core at a time; on Linux their priority is below the async
//! workers' (nice +10 by default, [`HASH_PRIORITY_ENV`]) so a burst of
//! logins yields the cores to cheap calls.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::password_hash::PasswordHasher;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;
use zeroize::{Zeroize, Zeroizing};

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
    verify_in(&mut Memory::default(), password, phc)
}

/// Argon2's working memory (19 MiB with the server's parameters), kept by
/// a hashing thread from one verification to the next: so a login neither
/// maps, faults in and unmaps 19 MiB — which holds the process's memory map
/// lock against every other thread — nor waits for the kernel to do it
/// (docs/design.md, "Hashing threads"). Wiped after each use: its blocks
/// would let a password guess be checked without the memory-hard work.
#[derive(Default)]
pub struct Memory(Vec<Block>);

impl Memory {
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.0.len() < count {
            self.0.resize(count, Block::default());
        }
        &mut self.0[..count]
    }

    fn wipe(&mut self) {
        self.0.iter_mut().for_each(Zeroize::zeroize);
    }
}

/// [`verify_blocking`] in `memory`. The same check as argon2's own
/// `verify_password`: the stored hash's algorithm, version, parameters
/// and salt, and a constant-time comparison of the outputs.
pub fn verify_in(memory: &mut Memory, password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str());
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (algorithm, version, Params::try_from(&parsed))
    else {
        return false;
    };
    let count = params.block_count();
    let mut out = Zeroizing::new(vec![0u8; expected.len()]);
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        memory.blocks(count),
    );
    memory.wipe();
    hashed.is_ok() && Output::new(&out).is_ok_and(|out| out == *expected)
}

/// The hashing threads' priority (Linux), read at start: a nice offset
/// above the process's own (`10`, the default, [`DEFAULT_HASH_PRIORITY`];
/// `0` for the async workers' own priority), or `idle` for `SCHED_IDLE`.
pub const HASH_PRIORITY_ENV: &str = "HEEROS_HASH_PRIORITY";
/// Nice +10 (docs/design.md, "Hashing threads"): under a login storm the
/// async workers and SQLite's threads take a core from a hash sooner, so
/// the cheap calls' p99 is a quarter to two fifths shorter (SQLite), and
/// the logins are as many as at the workers' own priority within noise
/// (BENCHMARKS.md, rounds 6–7). With Linux's autogroups or a service's
/// cgroup (the usual setups) nice counts only among the threads of one
/// scheduling group, so it yields to this server's own threads; against a
/// busy thread of that group a hash still gets about a tenth of a core,
/// where `idle` would get nothing.
pub const DEFAULT_HASH_PRIORITY: HashPriority = HashPriority::Nice(10);

/// How the hashing threads yield to the async workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashPriority {
    /// Linux `SCHED_IDLE`: a hash runs only on a core no normal thread
    /// wants, and any waking async worker or SQLite thread preempts it at
    /// once. Beside other busy processes of normal priority the hashes get
    /// only what those leave.
    Idle,
    /// The process's nice value plus this (0: the same priority).
    Nice(i32),
}

impl HashPriority {
    /// `idle`, or a nice offset 0..=19; anything else is None.
    pub fn parse(text: &str) -> Option<HashPriority> {
        match text.trim() {
            "idle" => Some(HashPriority::Idle),
            n => n
                .parse()
                .ok()
                .filter(|n| (0..=19).contains(n))
                .map(HashPriority::Nice),
        }
    }

    /// [`HASH_PRIORITY_ENV`], else [`DEFAULT_HASH_PRIORITY`].
    pub fn from_env() -> HashPriority {
        match std::env::var(HASH_PRIORITY_ENV) {
            Ok(text) => HashPriority::parse(&text).unwrap_or_else(|| {
                tracing::warn!(%text, "{HASH_PRIORITY_ENV}: not idle or 0..19; using the default");
                DEFAULT_HASH_PRIORITY
            }),
            Err(_) => DEFAULT_HASH_PRIORITY,
        }
    }
}

/// A job gets its hashing thread's [`Memory`].
type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// Threads that run Argon2 jobs; they end when the last [`Hasher`] clone
/// is dropped (the queue closes).
struct HashPool {
    queue: Mutex<mpsc::Sender<Job>>,
}

impl HashPool {
    fn new(threads: usize, priority: HashPriority) -> Result<HashPool, ServerError> {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        for n in 0..threads {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    lower_own_priority(priority);
                    let mut memory = Memory::default();
                    loop {
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // A panicking job answers nothing (its caller sees a
                        // hashing failure); the thread goes on.
                        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
                    }
                })?;
        }
        Ok(HashPool {
            queue: Mutex::new(queue),
        })
    }

    /// Runs `f` on a hashing thread; None if it could not run or panicked.
    async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Memory) -> R + Send + 'static,
    ) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |memory| {
            let _ = tx.send(f(memory));
        });
        self.queue.lock().ok()?.send(job).ok()?;
        rx.await.ok()
    }
}

/// Lowers the calling thread's priority (Linux: per thread); elsewhere,
/// or when refused, the thread keeps its priority.
fn lower_own_priority(priority: HashPriority) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid, getpriority and setpriority take no pointers;
        // sched_setscheduler reads the one sched_param it is given. They
        // only read and change this thread's scheduling (pid 0 and a tid
        // name the calling thread).
        let done = unsafe {
            match priority {
                HashPriority::Nice(0) => 0,
                HashPriority::Nice(nice) => {
                    let tid = libc::gettid() as libc::id_t;
                    let own = libc::getpriority(libc::PRIO_PROCESS, tid);
                    libc::setpriority(libc::PRIO_PROCESS, tid, (own + nice).min(19))
                }
                HashPriority::Idle => {
                    let param = libc::sched_param { sched_priority: 0 };
                    libc::sched_setscheduler(0, libc::SCHED_IDLE, &param)
                }
            }
        };
        if done != 0 {
            tracing::warn!(?priority, "could not lower the hashing thread's priority");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = priority;
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
    pub fn new(priority: HashPriority) -> Result<Self, ServerError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_blocking(&crate::secrets::random_token(24))?;
        Ok(Hasher {
            permits: Arc::new(Semaphore::new(cores)),
            pool: Arc::new(HashPool::new(cores, priority)?),
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
            .run(move |_| hash_blocking(&password))
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
            .run(move |memory| verify_in(memory, &password, &phc))
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
        let hasher = Hasher::new(HashPriority::Nice(0)).unwrap();
        assert!(!hasher.verify(Zeroizing::new("anything".into()), None).await);
        let phc = hasher.hash(Zeroizing::new("pw".into())).await.unwrap();
        assert!(hasher.verify(Zeroizing::new("pw".into()), Some(phc)).await);
    }

    /// `verify_in` answers as argon2's own `verify_password` does, for the
    /// server's parameters and for hashes stored with other ones.
    #[test]
    fn verifying_in_kept_memory_agrees_with_argon2() {
        let mut memory = Memory::default();
        let phc = hash_blocking("correct horse").unwrap();
        assert!(verify_in(&mut memory, "correct horse", &phc));
        assert!(!verify_in(&mut memory, "correct horsE", &phc));
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 3, 1, Some(24)).unwrap(),
        )
        .hash_password(b"older")
        .unwrap()
        .to_string();
        assert!(other.contains("m=4096,t=3,p=1"), "{other}");
        assert!(verify_in(&mut memory, "older", &other));
        assert!(!verify_in(&mut memory, "newer", &other));
        // The same memory after the bigger hash still verifies the smaller.
        assert!(verify_in(&mut memory, "correct horse", &phc));
        for bad in [
            "",
            "not a phc string",
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ",
        ] {
            assert!(!verify_in(&mut memory, "correct horse", bad), "{bad}");
        }
    }

    /// The rule of [`Memory`]: what a verification leaves in it is wiped,
    /// and the next one reuses it rather than allocating again.
    #[test]
    fn hashing_memory_is_wiped_after_each_verification() {
        let mut memory = Memory::default();
        let phc = hash_blocking("pw").unwrap();
        assert!(verify_in(&mut memory, "pw", &phc));
        assert_eq!(memory.0.len(), Params::DEFAULT_M_COST as usize);
        assert!(memory.0.iter().all(|b| b.as_ref().iter().all(|&x| x == 0)));
        let kept = memory.0.as_ptr();
        assert!(!verify_in(&mut memory, "wrong", &phc));
        assert_eq!(memory.0.as_ptr(), kept, "the memory was allocated again");
        assert!(memory.0.iter().all(|b| b.as_ref().iter().all(|&x| x == 0)));
    }

    #[test]
    fn priorities_parse_from_idle_or_a_nice_offset() {
        assert_eq!(HashPriority::parse("idle"), Some(HashPriority::Idle));
        assert_eq!(HashPriority::parse(" 10 "), Some(HashPriority::Nice(10)));
        assert_eq!(HashPriority::parse("0"), Some(HashPriority::Nice(0)));
        assert_eq!(HashPriority::parse("20"), None);
        assert_eq!(HashPriority::parse("-5"), None);
        assert_eq!(HashPriority::parse("low"), None);
    }

    /// What a hashing thread runs at, seen from inside it.
    #[cfg(target_os = "linux")]
    async fn seen_by_a_hashing_thread(priority: HashPriority) -> (i32, i32) {
        let pool = HashPool::new(1, priority).unwrap();
        // SAFETY: no pointers; they read this thread's scheduling.
        pool.run(|_| unsafe {
            let tid = libc::gettid() as libc::id_t;
            (
                libc::sched_getscheduler(0),
                libc::getpriority(libc::PRIO_PROCESS, tid),
            )
        })
        .await
        .unwrap()
    }

    /// The rule of [`DEFAULT_HASH_PRIORITY`]: unless told otherwise, the
    /// hashing threads run below the async workers' priority, never at
    /// `SCHED_IDLE`.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_yield_to_the_async_workers_by_default() {
        // SAFETY: no pointers; reads this thread's nice value.
        let own = unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let (policy, nice) = seen_by_a_hashing_thread(DEFAULT_HASH_PRIORITY).await;
        assert_eq!(policy, libc::SCHED_OTHER);
        assert!(
            nice > own || own == 19,
            "hashing at nice {nice}, workers at {own}"
        );
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_run_at_the_priority_asked() {
        // SAFETY: no pointers; reads this thread's nice value.
        let own = unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let (policy, _) = seen_by_a_hashing_thread(HashPriority::Idle).await;
        assert_eq!(policy, libc::SCHED_IDLE);
        let (policy, nice) = seen_by_a_hashing_thread(HashPriority::Nice(5)).await;
        assert_eq!((policy, nice), (libc::SCHED_OTHER, (own + 5).min(19)));
        let (policy, nice) = seen_by_a_hashing_thread(HashPriority::Nice(0)).await;
        assert_eq!((policy, nice), (libc::SCHED_OTHER, own));
    }
}
