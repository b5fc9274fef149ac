//! The notion of "now" of the server and the app. Domain functions take `now`
//! as an argument; the HTTP layer and the app's session store read it from
//! this clock, which tests set by hand (one clock can drive both).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Timelike, Utc};

#[derive(Clone)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Clock(None)
    }

    /// A clock that only moves when told to (tests, day 89/90/91 tables).
    pub fn manual(start: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(Mutex::new(start))))
    }

    /// Now, in whole seconds: the database keeps unix seconds, so every
    /// time the server hands out compares equal to what it stored.
    pub fn now(&self) -> DateTime<Utc> {
        let now = match &self.0 {
            None => Utc::now(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        };
        now.with_nanosecond(0).unwrap_or(now)
    }

    /// Sets a manual clock; does nothing to the system clock.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(t) = &self.0 {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = to;
        }
    }

    /// Moves a manual clock forward; does nothing to the system clock.
    pub fn advance(&self, by: Duration) {
        self.set(self.now() + by);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => write!(f, "Clock::system"),
            Some(_) => write!(f, "Clock::manual({})", self.now()),
        }
    }
}
