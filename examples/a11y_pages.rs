//! Writes every screen and state as a page for the accessibility audit
//! (docs/design.md, "Accessibility"): each one rendered with dioxus-ssr
//! into the real page (`ui::index_html_with_typeface`, the stylesheet and typeface
//! inline), in English, Finnish and Swedish, as `<state>-<lang>.html` in
//! the folder given.
//! `scripts/test.sh` runs it, then `scripts/a11y/audit.mjs` on the folder.
//!
//!     cargo run --example a11y_pages -- target/a11y

use chrono::{NaiveDate, TimeZone, Utc};
use dioxus::prelude::*;
use heeros_api::{
    DeviceInfo, Invoice, InvoiceStatus, OrderCompany, PaymentConfirmed, PaymentItem, PaymentOrder,
};
use heeros_mobile::lang::Lang;
use heeros_mobile::session::{Notice, Phase, PinProblem, SessionError, Snapshot};
use heeros_mobile::ui::{
    index_html_with_typeface, provide_app_state, ConfirmDialog, CurrentScreen, RejectDialog,
    StartupFailedScreen, StartupFailure,
};
use heeros_testkit::fixtures::maija_account;

/// A dialog a screen opens over itself (kept in the screen, not in the
/// snapshot, so it is rendered here on top).
#[derive(Clone, Copy, PartialEq)]
enum Dialog {
    None,
    Confirm,
    Reject,
}

/// One page: the snapshot, a dialog over it, or the start-up failure.
#[derive(Clone)]
struct Page {
    snapshot: Snapshot,
    dialog: Dialog,
    startup_failed: bool,
}

#[allow(non_snake_case)]
fn Root() -> Element {
    let page = use_context::<Page>();
    if page.startup_failed {
        let failure = StartupFailure::Storage("org.freedesktop.secrets was not provided".into());
        return rsx! { StartupFailedScreen { failure, lang: page.snapshot.language } };
    }
    let app = provide_app_state(page.snapshot);
    let t = app.texts();
    rsx! {
        CurrentScreen {}
        match page.dialog {
            Dialog::None => rsx! {},
            Dialog::Confirm => rsx! {
                ConfirmDialog {
                    title: t.log_out_confirm_title.to_string(),
                    body: t.log_out_confirm_body.to_string(),
                    confirm_label: t.log_out.to_string(),
                    on_confirm: |_| {},
                    on_cancel: |_| {},
                }
            },
            Dialog::Reject => rsx! { RejectDialog { on_reject: |_| {}, on_cancel: |_| {} } },
        }
    }
}

fn render(page: Page) -> String {
    let lang = page.snapshot.language;
    let mut dom = VirtualDom::new(Root).with_root_context(page);
    dom.rebuild_in_place();
    let body = dioxus_ssr::render(&dom);
    let html = index_html_with_typeface(lang);
    let empty = "<div id=\"main\"></div>";
    assert!(html.contains(empty), "the index page has its #main");
    html.replace(empty, &format!("<div id=\"main\">{body}</div>"))
}

fn invoice(id: i64, supplier: &str, cents: i64, due: (u32, u32), status: InvoiceStatus) -> Invoice {
    Invoice {
        id,
        supplier: supplier.into(),
        invoice_number: format!("2026-{id:04}"),
        amount_cents: cents,
        currency: "EUR".into(),
        due_date: NaiveDate::from_ymd_opt(2026, due.0, due.1).unwrap(),
        iban: "FI2112345600000785".into(),
        reference: format!("1234{id}"),
        status,
        status_by: None,
        status_at: None,
    }
}

fn invoices() -> Vec<Invoice> {
    use InvoiceStatus::*;
    vec![
        invoice(1, "Toimistotarvike Oy", 12_450, (11, 20), AwaitingApproval),
        invoice(
            2,
            "Siivouspalvelu Puhdas Ab",
            289_000,
            (12, 15),
            AwaitingApproval,
        ),
        invoice(3, "Kuljetus Nopea Oy", 64_990, (12, 1), Approved),
        invoice(4, "Ohjelmistotalo Koodi Oy", 123_456, (12, 10), Approved),
        invoice(5, "Sähkö Oy", 9_999, (11, 1), Paid),
    ]
}

/// Maija, signed in, with two companies and the invoices above.
fn logged_in(phase: Phase, lang: Lang) -> Snapshot {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let list = invoices();
    Snapshot {
        account: Some(maija_account(
            Utc.with_ymd_and_hms(2027, 2, 27, 12, 0, 0).unwrap(),
        )),
        invoices: Some(list.clone()),
        selected: vec![3],
        invoice: Some(list[0].clone()),
        order: Some(PaymentOrder {
            payment_id: "p-1".into(),
            company: OrderCompany {
                business_id: "2345678-9".into(),
                name: "Meikäläinen Consulting Oy".into(),
            },
            items: list[2..4]
                .iter()
                .map(|i| PaymentItem {
                    invoice_id: i.id,
                    supplier: i.supplier.clone(),
                    iban: i.iban.clone(),
                    reference: i.reference.clone(),
                    amount_cents: i.amount_cents,
                    due_date: i.due_date,
                })
                .collect(),
            total_cents: list[2].amount_cents + list[3].amount_cents,
            currency: "EUR".into(),
            nonce: "n".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 11, 29, 12, 5, 0).unwrap(),
        }),
        receipt: Some(PaymentConfirmed {
            payment_id: "p-1".into(),
            status: "paid".into(),
            invoices: list[2..4].to_vec(),
        }),
        devices: vec![
            device("d1", "Pixel 8", true),
            device("d2", "iPhone 15", false),
        ],
        today,
        can_pay: true,
        ..Snapshot::of(phase, lang)
    }
}

fn device(id: &str, name: &str, current: bool) -> DeviceInfo {
    let at = Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
    DeviceInfo {
        id: id.into(),
        device_name: name.into(),
        platform: "android".into(),
        created_at: at,
        last_used_at: at,
        login_expires_at: at,
        current,
    }
}

fn with(snapshot: Snapshot, change: impl FnOnce(&mut Snapshot)) -> Snapshot {
    let mut s = snapshot;
    change(&mut s);
    s
}

fn failed(snapshot: Snapshot, error: SessionError) -> Snapshot {
    with(snapshot, |s| s.error = Some(error))
}

/// Every screen and state worth checking, by name.
fn pages(lang: Lang) -> Vec<(&'static str, Page)> {
    let plain = |phase| Snapshot::of(phase, lang);
    let user = |phase| logged_in(phase, lang);
    let mut snapshots: Vec<(&str, Snapshot)> = vec![
        ("starting", with(plain(Phase::Starting), |s| s.busy = true)),
        (
            "starting-failed",
            failed(plain(Phase::Starting), SessionError::Storage("x".into())),
        ),
        (
            "intro-failed",
            failed(
                plain(Phase::Intro { step: 4 }),
                SessionError::Storage("x".into()),
            ),
        ),
        ("login", plain(Phase::Login)),
        ("login-busy", with(plain(Phase::Login), |s| s.busy = true)),
        (
            "login-logged-out",
            with(plain(Phase::Login), |s| s.notice = Some(Notice::LoggedOut)),
        ),
        (
            "login-wrong",
            failed(plain(Phase::Login), SessionError::InvalidCredentials),
        ),
        (
            "login-missing",
            failed(plain(Phase::Login), SessionError::MissingInput),
        ),
        (
            "login-offline",
            failed(plain(Phase::Login), SessionError::Offline),
        ),
        (
            "login-throttled",
            failed(
                plain(Phase::Login),
                SessionError::RateLimited { retry_after_s: 90 },
            ),
        ),
        ("code", plain(Phase::Code)),
        (
            "code-wrong",
            failed(
                plain(Phase::Code),
                SessionError::CodeInvalid { attempts_left: 1 },
            ),
        ),
        ("pin-setup", plain(Phase::PinSetup)),
        (
            "pin-setup-mismatch",
            failed(plain(Phase::PinSetup), SessionError::PinMismatch),
        ),
        (
            "pin-setup-simple",
            failed(
                plain(Phase::PinSetup),
                SessionError::PinPolicy(PinProblem::Sequence),
            ),
        ),
        ("unlock", user(Phase::Unlock)),
        (
            "unlock-wrong",
            failed(
                user(Phase::Unlock),
                SessionError::PinIncorrect { attempts_left: 3 },
            ),
        ),
        (
            "unlock-offline",
            failed(user(Phase::Unlock), SessionError::Offline),
        ),
        (
            "unlock-renew",
            with(user(Phase::Unlock), |s| s.login_ending = true),
        ),
        ("home", user(Phase::Home)),
        (
            "home-loading",
            with(user(Phase::Home), |s| {
                s.invoices = None;
                s.busy = true;
            }),
        ),
        (
            "home-empty",
            with(user(Phase::Home), |s| {
                s.invoices = Some(Vec::new());
                s.selected.clear();
            }),
        ),
        (
            "home-told",
            with(user(Phase::Home), |s| {
                s.failed_attempts_since_last_unlock = 2;
                s.login_ending = true;
            }),
        ),
        (
            "home-offline",
            failed(user(Phase::Home), SessionError::Offline),
        ),
        ("company-menu", user(Phase::CompanyMenu)),
        (
            "company-menu-pin-changed",
            with(user(Phase::CompanyMenu), |s| s.pin_changed = true),
        ),
        ("change-pin", user(Phase::ChangePin)),
        ("devices", user(Phase::Devices)),
        ("invoice", user(Phase::Invoice)),
        (
            "invoice-approved",
            with(user(Phase::Invoice), |s| {
                s.invoice = Some(invoices()[2].clone())
            }),
        ),
        (
            "invoice-outdated",
            failed(user(Phase::Invoice), SessionError::Outdated),
        ),
        ("pay-confirm", user(Phase::PayConfirm)),
        (
            "pay-confirm-wrong",
            failed(
                user(Phase::PayConfirm),
                SessionError::PinIncorrect { attempts_left: 1 },
            ),
        ),
        ("paid", user(Phase::Paid)),
        ("cover", with(user(Phase::Home), |s| s.covered = true)),
    ];
    let intro: Vec<_> = (0..5u8)
        .map(|step| (INTRO[usize::from(step)], plain(Phase::Intro { step })))
        .collect();
    snapshots.splice(0..0, intro);
    let mut pages: Vec<(&str, Page)> = snapshots
        .into_iter()
        .map(|(name, snapshot)| {
            let page = Page {
                snapshot,
                dialog: Dialog::None,
                startup_failed: false,
            };
            (name, page)
        })
        .collect();
    let over = |name, phase, dialog| {
        let page = Page {
            snapshot: user(phase),
            dialog,
            startup_failed: false,
        };
        (name, page)
    };
    pages.push(over(
        "company-menu-log-out",
        Phase::CompanyMenu,
        Dialog::Confirm,
    ));
    pages.push(over("invoice-reject", Phase::Invoice, Dialog::Reject));
    let failed_page = Page {
        snapshot: plain(Phase::Starting),
        dialog: Dialog::None,
        startup_failed: true,
    };
    pages.push(("startup-failed", failed_page));
    pages
}

const INTRO: [&str; 5] = ["intro-1", "intro-2", "intro-3", "intro-4", "intro-5"];

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: cargo run --example a11y_pages -- DIR");
    let dir = std::path::Path::new(&dir);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut written = 0;
    for lang in Lang::ALL {
        for (name, page) in pages(lang) {
            let file = dir.join(format!("{name}-{}.html", lang.code()));
            std::fs::write(&file, render(page)).unwrap();
            written += 1;
        }
    }
    println!("a11y pages: {written} in {}", dir.display());
}
