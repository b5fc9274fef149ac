//! Heeros Mobile: the app as a library (the binary in main.rs only launches it).

pub mod app_config;
pub mod demo;
pub mod format;
pub mod i18n;
pub mod lang;
pub mod platform;
pub mod session;
pub mod ui;
