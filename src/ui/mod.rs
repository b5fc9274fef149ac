//! The Dioxus UI (docs/design.md, Journey): one component module per
//! screen, shared widgets, the app root that routes by phase ([`app`]) and
//! the shell that opens the window or the phone view ([`shell`]).
//!
//! Components read the [`Snapshot`](crate::session::Snapshot) and send
//! [`Intent`](crate::session::Intent)s; they do no networking, no crypto and
//! never read the clock. Field state (what is being typed) lives in the
//! screen component; everything else is in the snapshot.

mod app;
mod change_pin;
mod code;
mod company_menu;
mod devices;
mod home;
mod illustrations;
mod intro;
mod invoice;
mod login;
mod payment;
mod pin_pad;
mod pin_setup;
pub mod probe;
mod shell;
mod startup;
mod style;
mod unlock;
mod widgets;

pub use app::{provide_app_state, use_app, App, AppState, Boot, CurrentScreen, StoreSlot};
pub use change_pin::ChangePinScreen;
pub use code::CodeScreen;
pub use company_menu::CompanyMenuScreen;
pub use devices::DevicesScreen;
pub use home::HomeScreen;
pub use intro::IntroScreen;
pub use invoice::{InvoiceScreen, RejectDialog};
pub use login::LoginScreen;
pub use payment::{PaidScreen, PayConfirmScreen};
pub use pin_setup::PinSetupScreen;
pub use shell::{index_html, index_html_with_typeface, launch, VIEWPORT};
pub use startup::{StartupFailedScreen, StartupFailure};
pub use style::stylesheet;
pub use unlock::UnlockScreen;
pub use widgets::ConfirmDialog;

use dioxus::prelude::*;
use zeroize::Zeroizing;

/// Reads a named field of a submitted form ("" when absent), in a string
/// that is wiped when dropped (passwords, codes and PINs pass through here).
pub(crate) fn form_text(evt: &FormEvent, name: &str) -> Zeroizing<String> {
    Zeroizing::new(match evt.get_first(name) {
        Some(dioxus::html::FormValue::Text(s)) => s,
        _ => String::new(),
    })
}
