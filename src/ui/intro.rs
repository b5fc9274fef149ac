//! Intro carousel: 5 steps on first launch, Skip on every step.

use dioxus::prelude::*;

use super::illustrations::intro_svg;
use super::use_app;
use super::widgets::{ErrorBanner, Spinner};
use crate::i18n::Texts;
use crate::session::SessionError;

pub const INTRO_STEPS: u8 = 5;

#[component]
pub fn IntroScreen(
    step: u8,
    /// An error to show from the start (previews and tests).
    #[props(default)]
    error: Option<SessionError>,
) -> Element {
    let app = use_app();
    let t = app.texts();
    let lang = app.lang();
    let busy = (app.busy)();
    let error = use_signal(move || error);
    let step = step.min(INTRO_STEPS - 1);
    let last = step + 1 == INTRO_STEPS;
    let text = &t.intro[usize::from(step)];
    let step_label = Texts::fill(t.intro_step_of, step + 1);

    let finish = {
        let app = app.clone();
        move |_: MouseEvent| app.run(error, |store| async move { store.finish_intro().await })
    };
    let next = {
        let app = app.clone();
        let finish = finish.clone();
        move |evt: MouseEvent| {
            if last {
                finish(evt)
            } else {
                app.show(app.store.intro_next())
            }
        }
    };
    let back = {
        let app = app.clone();
        move |_: MouseEvent| app.show(app.store.intro_back())
    };

    rsx! {
        div { class: "screen screen-intro",
            header { class: "topbar",
                span { class: "topbar-spacer" }
                button {
                    class: "btn btn-text topbar-end",
                    r#type: "button",
                    disabled: busy,
                    onclick: finish,
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
                ErrorBanner { message: error().map(|e| lang.texts().error(&e)) }
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
                            onclick: back,
                            "{t.back}"
                        }
                    }
                    button {
                        class: "btn btn-primary",
                        r#type: "button",
                        disabled: busy,
                        aria_busy: if busy { "true" } else { "false" },
                        onclick: next,
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
