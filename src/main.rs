//! Heeros Mobile: launch only. Start-up logic is in `app_config`, the
//! screens in `ui`.

use heeros_mobile::{app_config, ui};

fn main() {
    // Warnings only by default (RUST_LOG overrides): the terminal is for the
    // demo logins and codes, not for every request of the embedded server.
    let _ = dioxus::logger::init(dioxus::logger::tracing::Level::WARN);
    let boot = match app_config::prepare() {
        Ok(store) => ui::Boot::Ready(ui::StoreSlot::new(store)),
        Err(failure) => {
            eprintln!("Heeros Mobile cannot start: {failure:?}");
            ui::Boot::Failed(failure)
        }
    };
    ui::launch(boot);
}
