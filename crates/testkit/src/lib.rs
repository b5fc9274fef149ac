//! Drivers of the app's real window for the tests and the screenshots
//! (dev-only): a real server with the demo data ([`world`]) and the window
//! driven with X events, found by element through the app's test probe
//! ([`xwindow`]). See docs/design.md, "Testing the real window". Also the
//! account screens are rendered with in tests and previews ([`fixtures`]).

pub mod fixtures;
pub mod world;
pub mod xwindow;
