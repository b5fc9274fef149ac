//! Shown instead of the journey when the app cannot start at all, e.g. no
//! secure storage (no Secret Service on a Linux desktop). Never a panic.

use dioxus::prelude::*;

use super::widgets::Brand;
pub use crate::app_config::StartupFailure;
use crate::i18n::{device_language, Lang};

#[component]
pub fn StartupFailedScreen(
    failure: StartupFailure,
    #[props(default)] lang: Option<Lang>,
) -> Element {
    let t = lang.unwrap_or_else(device_language).texts();
    let (text, detail) = match &failure {
        StartupFailure::Storage(d) => (t.startup_storage, d.clone()),
        StartupFailure::Other(d) => (t.startup_other, d.clone()),
    };
    rsx! {
        div { class: "screen screen-centered",
            main { class: "content content-centered",
                Brand { name: t.product }
                h1 { "{t.startup_failed_title}" }
                div { class: "banner banner-error", role: "alert",
                    span { class: "banner-icon", aria_hidden: "true", "!" }
                    p { "{text}" }
                }
                if !detail.is_empty() {
                    pre { class: "detail", "{detail}" }
                }
            }
        }
    }
}
