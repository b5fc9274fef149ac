//! Heeros Mobile: the app as a library (the binary in main.rs only launches it).

pub mod app_config;
pub mod i18n;
pub mod platform;
pub mod session;
pub mod ui;
