//! The server's clock: the one of the wire crate (see `heeros_api::Clock`).

pub use heeros_api::Clock;
