//! The baseline for the app-start benchmark: a bare Dioxus 0.7 window with
//! one button, the same size and build settings as the app.
//! `cargo build --release --example bare_window`

use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
use dioxus::prelude::*;

fn main() {
    let _ = dioxus::logger::init(dioxus::logger::tracing::Level::WARN);
    dioxus::LaunchBuilder::new()
        .with_cfg(
            Config::new().with_menu(None).with_window(
                WindowBuilder::new()
                    .with_title("Bare window")
                    .with_inner_size(LogicalSize::new(390.0, 844.0)),
            ),
        )
        .launch(App);
}

#[component]
fn App() -> Element {
    let mut clicks = use_signal(|| 0);
    rsx! {
        button { onclick: move |_| clicks += 1, "Clicked {clicks} times" }
    }
}
