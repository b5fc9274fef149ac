//! Heeros Mobile: the app as a library (the binary in main.rs only launches it).

pub mod session;
