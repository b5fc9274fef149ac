//! How late this machine wakes a sleeping thread: the floor under every
//! hand-off a cheap call makes (client to server, server to SQLite's
//! thread and back), so the yardstick for row 2 (BENCHMARKS.md, round 8).

use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::stats::Samples;

/// What the thread asks to sleep each time.
pub const NAP: Duration = Duration::from_millis(1);

/// A thread of normal priority that sleeps [`NAP`] over and over until
/// `deadline`; each sample is how much longer than that it took to run
/// again.
pub fn spawn(deadline: Instant) -> JoinHandle<Samples> {
    std::thread::Builder::new()
        .name("wakeups".into())
        .spawn(move || {
            let mut late = Samples::default();
            while Instant::now() < deadline {
                let asleep = Instant::now();
                std::thread::sleep(NAP);
                late.push(asleep.elapsed().saturating_sub(NAP));
            }
            late
        })
        .expect("wake-up thread")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_is_one_nap_and_its_lateness() {
        let started = Instant::now();
        let late = spawn(started + Duration::from_millis(100)).join().unwrap();
        let took = started.elapsed();
        // At most one sample per nap in the time it ran, and the samples'
        // lateness fits in that time too.
        assert!(late.len() >= 5, "{} naps in {took:?}", late.len());
        assert!(
            late.len() as u32 <= took.as_millis() as u32,
            "{}",
            late.len()
        );
        assert!(
            late.percentile(100.0) < took,
            "{:?}",
            late.percentile(100.0)
        );
    }
}
