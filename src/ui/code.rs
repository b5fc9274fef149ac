//! Code: the authenticator (TOTP) code after a right password. One field,
//! a Paste button, the help text's copy-paste tip under the field, and
//! "Read more" to the help page (`app_config::help_url`), which the webview
//! hands to the system browser (Dioxus opens every http(s) link there).

use dioxus::prelude::*;

use heeros_api::{normalize_code, TOTP_DIGITS};
use zeroize::Zeroizing;

use super::widgets::{
    focus_on_mount, invalid_for, BackBar, ErrorBanner, IntentError, SubmitButton,
};
use super::{form_text, use_app};
use crate::session::Intent;

/// Reads the clipboard in the webview, puts the text into the code field
/// (so the user sees it) and returns it; `null` when the clipboard cannot
/// be read. Tries the async Clipboard API first, then the older
/// `execCommand("paste")` into the focused field (what WebKitGTK allows).
const PASTE_JS: &str = r#"
const field = document.getElementById("code");
let text = null;
try {
  if (navigator.clipboard && navigator.clipboard.readText) {
    text = await navigator.clipboard.readText();
  }
} catch (e) { text = null; }
if (text === null && field) {
  const before = field.value;
  try {
    field.focus();
    field.select();
    if (document.execCommand("paste") && field.value !== before) { text = field.value; }
  } catch (e) { text = null; }
  if (text === null) { field.value = before; }
}
if (field) {
  if (text !== null) { field.value = text.trim(); }
  field.focus();
}
return text;
"#;

#[component]
pub fn CodeScreen() -> Element {
    let app = use_app();
    let t = app.texts();
    let busy = app.busy();
    let error = app.error();
    let mut paste_failed = use_signal(|| false);
    let help_url = use_hook(crate::app_config::help_url);
    let (link_start, link_end) = match t.code_read_more.rsplit_once(' ') {
        Some((start, end)) => (format!("{start} "), end),
        None => (String::new(), t.code_read_more),
    };

    let mut send = move |code: Zeroizing<String>| {
        paste_failed.set(false);
        app.send(Intent::SubmitCode(code));
    };

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        send(form_text(&evt, "code"));
    };

    let paste = move |_| {
        spawn(async move {
            let text = document::eval(PASTE_JS).join::<Option<String>>().await;
            match text.ok().flatten() {
                // A whole code pasted: send it at once (the tip's flow).
                Some(text) if normalize_code(&text).len() == TOTP_DIGITS => {
                    send(Zeroizing::new(text))
                }
                Some(_) => {}
                None => paste_failed.set(true),
            }
        });
    };

    rsx! {
        div { class: "screen screen-code",
            BackBar { label: t.back_to_login, back: Intent::BackToLogin }
            main { class: "content",
                h1 { "{t.code_title}" }
                p { class: "lead", "{t.code_lead}" }
                form { class: "form", novalidate: true, onsubmit: submit,
                    fieldset { disabled: busy,
                        div { class: "field",
                            label { r#for: "code", "{t.code_label}" }
                            div { class: "input-with-button",
                                input {
                                    id: "code",
                                    name: "code",
                                    autofocus: true,
                                    onmounted: focus_on_mount,
                                    "data-autofocus": "true",
                                    class: "input-code",
                                    r#type: "text",
                                    inputmode: "numeric",
                                    autocomplete: "one-time-code",
                                    autocapitalize: "none",
                                    spellcheck: "false",
                                    maxlength: "9",
                                    placeholder: "123 456",
                                    aria_describedby: "code-tip",
                                    aria_invalid: invalid_for(&error),
                                }
                                button {
                                    class: "btn btn-secondary input-button",
                                    r#type: "button",
                                    onclick: paste,
                                    "{t.paste}"
                                }
                            }
                        }
                        if paste_failed() {
                            ErrorBanner { message: t.paste_failed }
                        } else {
                            IntentError { error: error.clone(), missing: t.missing_code }
                        }
                        SubmitButton { label: t.verify.to_string(), busy }
                    }
                }
                aside { id: "code-tip", class: "tip",
                    h2 { "{t.code_tip_title}" }
                    p { "{t.code_tip}" }
                }
                p { class: "read-more",
                    a { id: "read-more", href: "{help_url}", rel: "noopener noreferrer",
                        "{link_start}"
                        // The last word and the icon never part at a line
                        // end — unless the text is so large that the word
                        // alone fills the line (main.css, .keep).
                        span { class: "keep",
                            "{link_end}"
                            ExternalIcon {}
                        }
                        span { class: "sr-only", " {t.opens_in_browser}" }
                    }
                }
            }
        }
    }
}

/// A small arrow out of a box: the link leaves the app. Decorative.
#[component]
fn ExternalIcon() -> Element {
    rsx! {
        span { class: "link-icon", aria_hidden: "true",
            svg { view_box: "0 0 16 16", width: "100%", height: "100%",
            path {
                d: "M9 2h5v5M14 2 7 9M12 9.5V13a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1h3.5",
                stroke: "currentColor",
                stroke_width: "1.6",
                stroke_linecap: "round",
                stroke_linejoin: "round",
                fill: "none",
            }
            }
        }
    }
}
