//! Intro carousel: 5 steps on first launch, Skip on every step, and the
//! language switch on the first.

use dioxus::prelude::*;

use super::illustrations::intro_svg;
use super::use_app;
use super::widgets::{IntentError, LanguageSwitch, Spinner};
use crate::i18n::Texts;
use crate::session::{Intent, INTRO_STEPS};

#[component]
pub fn IntroScreen(step: u8) -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let step = step.min(INTRO_STEPS - 1);
    let last = step + 1 == INTRO_STEPS;
    let text = &t.intro[usize::from(step)];
    let step_label = Texts::fill(t.intro_step_of, step + 1);

    rsx! {
        div { class: "screen screen-intro",
            header { class: "topbar",
                if step == 0 {
                    LanguageSwitch {}
                } else {
                    span { class: "topbar-spacer" }
                }
                button {
                    class: "btn btn-text topbar-end",
                    r#type: "button",
                    disabled: busy,
                    onclick: move |_| app.send(Intent::FinishIntro),
                    "{t.skip}"
                }
            }
            main { class: "content intro-content",
                div {
                    class: "intro-illustration",
                    dangerous_inner_html: intro_svg(step),
                }
                h1 { class: "intro-title", "{text.title}" }
                p { class: "intro-body", "{text.body}" }
                IntentError {
                    error: app.error(),
                    missing: String::new(),
                    on_retry: move |_| app.send(Intent::FinishIntro),
                }
            }
            footer { class: "actions",
                div { class: "dots", role: "img", aria_label: "{step_label}",
                    for i in 0..INTRO_STEPS {
                        span { class: if i == step { "dot dot-active" } else { "dot" } }
                    }
                }
                div { class: "actions-row",
                    if step > 0 {
                        button {
                            class: "btn btn-secondary",
                            r#type: "button",
                            disabled: busy,
                            onclick: move |_| app.send(Intent::IntroBack),
                            "{t.back}"
                        }
                    }
                    button {
                        class: "btn btn-primary",
                        r#type: "button",
                        disabled: busy,
                        aria_busy: if busy { "true" } else { "false" },
                        onclick: move |_| app.send(Intent::IntroNext),
                        if busy {
                            Spinner {}
                        }
                        span { if last { "{t.get_started}" } else { "{t.next}" } }
                    }
                }
            }
        }
    }
}
