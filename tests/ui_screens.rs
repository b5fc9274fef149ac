//! Every screen rendered (dioxus-ssr, no window) for given snapshots: the
//! words, attributes and states a user (or their phone, or their password
//! manager) would notice.

use chrono::{NaiveDate, TimeZone, Utc};
use dioxus::prelude::*;
use heeros_api::{
    Invoice, InvoiceStatus, OrderCompany, PaymentConfirmed, PaymentItem, PaymentOrder,
};
use heeros_mobile::lang::Lang;
use heeros_mobile::session::{Notice, Phase, PinProblem, SessionError, Snapshot};
use heeros_mobile::ui::{provide_app_state, CurrentScreen, StartupFailedScreen, StartupFailure};
use heeros_testkit::fixtures::maija_account;

/// The app's own routing (the screen of the snapshot's phase), rendered
/// for the snapshot in the root context.
#[allow(non_snake_case)]
fn Root() -> Element {
    let snapshot = use_context::<Snapshot>();
    provide_app_state(snapshot);
    rsx! { CurrentScreen {} }
}

fn render(snapshot: Snapshot) -> String {
    let mut dom = VirtualDom::new(Root).with_root_context(snapshot);
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

/// `snapshot` after an intent failed with `error`.
fn failed(snapshot: Snapshot, error: SessionError) -> Snapshot {
    Snapshot {
        error: Some(error),
        ..snapshot
    }
}

fn snap(phase: Phase, language: Lang) -> Snapshot {
    Snapshot::of(phase, language)
}

fn logged_in(phase: Phase, language: Lang) -> Snapshot {
    let expires = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    Snapshot {
        account: Some(maija_account(expires)),
        ..snap(phase, language)
    }
}

/// The text of the page without tags, with entities decoded (enough for
/// the apostrophes and ampersands in our texts).
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The opening tag of the element with `id`.
fn tag_with_id<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("id=\"{id}\"");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no element with id {id} in {html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

// ---- Intro ----------------------------------------------------------------

#[test]
fn intro_has_skip_on_every_step_and_next_back_dots() {
    for step in 0..5u8 {
        let html = render(snap(Phase::Intro { step }, Lang::En));
        let t = text(&html);
        assert!(t.contains("Skip"), "step {step}: Skip");
        assert!(html.contains("<svg"), "step {step}: illustration");
        let dots = html.matches("class=\"dot\"").count()
            + html.matches("class=\"dot dot-active\"").count();
        assert_eq!(dots, 5, "step {step}: 5 dots");
        assert_eq!(
            html.matches("dot-active").count(),
            1,
            "step {step}: one active dot"
        );
        assert!(
            html.contains(&format!("aria-label=\"Step {} of 5\"", step + 1)),
            "the dots say where the user is"
        );
        if step == 0 {
            assert!(!t.contains("Back"), "no Back on the first step");
        } else {
            assert!(t.contains("Back"), "step {step}: Back");
        }
        if step < 4 {
            assert!(t.contains("Next"), "step {step}: Next");
        } else {
            assert!(t.contains("Get started"), "last step finishes");
        }
    }
}

#[test]
fn intro_tells_what_heeros_mobile_is() {
    let all: String = (0..5u8)
        .map(|step| text(&render(snap(Phase::Intro { step }, Lang::En))))
        .collect();
    for topic in [
        "purchase invoices",
        "receipts",
        "PIN",
        "90 days",
        "authenticator app",
        "several companies",
    ] {
        assert!(all.contains(topic), "the intro mentions {topic}");
    }
}

#[test]
fn intro_storage_failure_is_explained() {
    let html = render(failed(
        snap(Phase::Intro { step: 4 }, Lang::En),
        SessionError::Storage("dbus".into()),
    ));
    assert!(html.contains("role=\"alert\""));
    assert!(text(&html).contains("secure storage of this device is not available"));
}

#[test]
fn intro_in_finnish() {
    let t = text(&render(snap(Phase::Intro { step: 1 }, Lang::Fi)));
    assert!(t.contains("Ohita"));
    assert!(t.contains("Seuraava"));
    assert!(t.contains("Edellinen"));
}

// ---- Login ----------------------------------------------------------------

#[test]
fn login_fields_follow_password_manager_conventions() {
    let html = render(snap(Phase::Login, Lang::En));
    let user = tag_with_id(&html, "username");
    assert!(user.contains("autocomplete=\"username\""), "{user}");
    assert!(user.contains("placeholder=\"Name Surname\""), "{user}");
    let pw = tag_with_id(&html, "password");
    assert!(pw.contains("autocomplete=\"current-password\""), "{pw}");
    assert!(pw.contains("type=\"password\""), "{pw}");
    let t = text(&html);
    assert!(t.contains("Log in"));
    assert!(t.contains("Show"), "password can be shown");
    assert!(t.contains("EN") && t.contains("FI"), "language switch");
    assert!(html.contains("type=\"submit\""), "Enter submits the form");
}

#[test]
fn login_fields_are_uncontrolled_so_fast_typing_never_drops_characters() {
    for (phase, ids) in [
        (Phase::Login, &["username", "password"][..]),
        (Phase::Code, &["code"][..]),
    ] {
        let html = render(snap(phase, Lang::En));
        for id in ids {
            let tag = tag_with_id(&html, id);
            assert!(
                !tag.contains(" value="),
                "{id} has no value written back: {tag}"
            );
        }
    }
}

#[test]
fn login_says_why_the_user_is_here() {
    for (notice, words) in [
        (Notice::LoginExpired, "90 days"),
        (Notice::DeviceRevoked, "too many wrong PIN codes"),
        (Notice::ChallengeExpired, "authentication step expired"),
        (Notice::LoggedOut, "You have logged out"),
    ] {
        let mut s = snap(Phase::Login, Lang::En);
        s.notice = Some(notice);
        let t = text(&render(s));
        assert!(t.contains(words), "{notice:?}: {t}");
    }
    let t = text(&render(snap(Phase::Login, Lang::En)));
    assert!(!t.contains("logged out"), "no notice on a plain login");
}

#[test]
fn login_errors_are_plain_words() {
    for (error, words) in [
        (
            SessionError::InvalidCredentials,
            "Wrong user name or password",
        ),
        (
            SessionError::RateLimited { retry_after_s: 90 },
            "Too many attempts. Wait 2 minutes and try again.",
        ),
        (SessionError::AccountLocked, "locked"),
        (
            SessionError::Offline,
            "Cannot reach Heeros. Check your connection and try again.",
        ),
    ] {
        let html = render(failed(snap(Phase::Login, Lang::En), error.clone()));
        assert!(html.contains("role=\"alert\""), "{error:?} is announced");
        assert!(text(&html).contains(words), "{error:?}: {}", text(&html));
    }
}

#[test]
fn login_in_finnish() {
    let html = render(snap(Phase::Login, Lang::Fi));
    let t = text(&html);
    assert!(t.contains("Kirjaudu Heeros Mobiiliin"));
    assert!(t.contains("Käyttäjätunnus"));
    assert!(t.contains("Salasana"));
    assert!(tag_with_id(&html, "username").contains("placeholder=\"Etunimi Sukunimi\""));
    let t = text(&render(failed(
        snap(Phase::Login, Lang::Fi),
        SessionError::Offline,
    )));
    assert!(t.contains("Heerokseen ei saada yhteyttä"));
}

// ---- Code -----------------------------------------------------------------

const TIP: &str = "If you are using the same device for both Heeros Mobile and authentication, quickly copying the code can be challenging. Here's a tip: Wait for the code to change and then copy it (for example, by long-pressing the code in the Google Authenticator app). Afterward, you can directly paste the code into Heeros Mobile.";

#[test]
fn code_field_is_a_one_time_code_with_paste_and_the_tip() {
    let html = render(snap(Phase::Code, Lang::En));
    let code = tag_with_id(&html, "code");
    assert!(code.contains("autocomplete=\"one-time-code\""), "{code}");
    assert!(code.contains("inputmode=\"numeric\""), "{code}");
    let t = text(&html);
    assert!(t.contains("Paste"));
    assert!(t.contains(TIP), "the help text's tip, verbatim");
    assert!(t.contains("Back to login"));
}

#[test]
fn code_error_shows_attempts_left() {
    let t = text(&render(failed(
        snap(Phase::Code, Lang::En),
        SessionError::CodeInvalid { attempts_left: 3 },
    )));
    assert!(
        t.contains("Wrong authentication code. 3 attempts left."),
        "{t}"
    );
}

// ---- PIN setup --------------------------------------------------------------

/// The PIN pad of a rendered screen: ten digit keys, erase, OK, a dot row
/// that says how many digits are typed, and no text field that could keep
/// or autofill the PIN.
fn assert_pin_pad(html: &str, ok: &str) {
    let pad = tag_with_id(html, "pin-pad");
    assert!(pad.contains("role=\"group\""), "{pad}");
    assert!(
        pad.contains("tabindex=\"0\""),
        "a keyboard types into it: {pad}"
    );
    for digit in 0..=9 {
        assert!(
            html.contains(&format!("data-digit=\"{digit}\"")),
            "key {digit}"
        );
    }
    assert!(html.contains("aria-label=\"Erase\""), "erase key");
    assert!(html.contains("aria-label=\"Digits typed: 0\""), "dot row");
    assert!(text(html).contains(ok), "OK key says {ok}");
    assert!(!html.contains("<input"), "no text field for the PIN");
}

#[test]
fn pin_setup_asks_on_the_pad_then_again() {
    let html = render(snap(Phase::PinSetup, Lang::En));
    assert_pin_pad(&html, "Next");
    assert!(text(&html).contains("Define your PIN code"));
}

#[test]
fn pin_pad_keys_are_at_least_64_px() {
    let css = heeros_mobile::ui::stylesheet();
    let rule = &css[css.find(".pin-key {").expect("a .pin-key rule")..];
    let rule = &rule[..rule.find('}').unwrap()];
    assert!(rule.contains("min-height: 64px"), "{rule}");
    assert!(rule.contains("min-width: 64px"), "{rule}");
}

#[test]
fn pin_setup_explains_each_refusal() {
    for (error, words) in [
        (SessionError::PinMismatch, "The two PIN codes are different"),
        (
            SessionError::PinPolicy(PinProblem::TooShort),
            "at least 4 digits",
        ),
        (
            SessionError::PinPolicy(PinProblem::TooLong),
            "at most 8 digits",
        ),
        (
            SessionError::PinPolicy(PinProblem::NotDigits),
            "digits only",
        ),
        (SessionError::PinPolicy(PinProblem::AllSame), "1111"),
        (SessionError::PinPolicy(PinProblem::Sequence), "1234"),
    ] {
        let t = text(&render(failed(
            snap(Phase::PinSetup, Lang::En),
            error.clone(),
        )));
        assert!(t.contains(words), "{error:?}: {t}");
    }
}

#[test]
fn pin_setup_in_finnish() {
    let t = text(&render(snap(Phase::PinSetup, Lang::Fi)));
    assert!(t.contains("Seuraava"), "the pad's OK on the first PIN");
    assert!(t.contains("Määritä PIN-koodi"));
}

// ---- Unlock -----------------------------------------------------------------

#[test]
fn unlock_asks_the_pin_and_counts_attempts() {
    let html = render(logged_in(Phase::Unlock, Lang::En));
    assert_pin_pad(&html, "Open");
    assert!(text(&html).contains("Maija Meikäläinen"));
    assert!(text(&html).contains("Forgot PIN?"));
    let t = text(&render(failed(
        logged_in(Phase::Unlock, Lang::En),
        SessionError::PinIncorrect { attempts_left: 2 },
    )));
    assert!(t.contains("Wrong PIN code. 2 attempts left."), "{t}");
    let t = text(&render(failed(
        logged_in(Phase::Unlock, Lang::En),
        SessionError::PinIncorrect { attempts_left: 1 },
    )));
    assert!(t.contains("log in with your password again"), "{t}");
}

#[test]
fn unlock_offline_says_a_connection_is_needed_and_marks_nothing_wrong() {
    let html = render(failed(
        logged_in(Phase::Unlock, Lang::En),
        SessionError::Offline,
    ));
    assert!(text(&html).contains("Opening Heeros Mobile needs a connection to Heeros"));
    assert!(!html.contains("pin-pad-invalid"), "the PIN was not wrong");
    let html = render(failed(
        logged_in(Phase::Unlock, Lang::En),
        SessionError::PinIncorrect { attempts_left: 3 },
    ));
    assert!(html.contains("pin-pad-invalid"), "a wrong PIN is marked");
}

#[test]
fn from_day_80_home_and_unlock_say_when_the_login_ends_and_offer_renew() {
    for phase in [Phase::Unlock, Phase::Home] {
        let quiet = text(&render(logged_in(phase, Lang::En)));
        assert!(!quiet.contains("Renew now"), "{phase:?} before day 80");
        let mut s = logged_in(phase, Lang::En);
        s.login_ending = true;
        let t = text(&render(s));
        assert!(
            t.contains("Your login ends on 1 March 2026."),
            "{phase:?}: {t}"
        );
        assert!(t.contains("Renew now"), "{phase:?}");
    }
}

#[test]
fn a_lost_connection_is_a_neutral_banner_with_try_again_not_a_typing_mistake() {
    let offline = render(failed(snap(Phase::Login, Lang::En), SessionError::Offline));
    assert!(
        !offline.contains("aria-invalid=\"true\""),
        "no field is marked"
    );
    assert!(offline.contains("banner-fault"), "neutral banner");
    assert!(text(&offline).contains("Try again"));
    let wrong = render(failed(
        snap(Phase::Login, Lang::En),
        SessionError::InvalidCredentials,
    ));
    assert!(
        wrong.contains("aria-invalid=\"true\""),
        "a wrong password is marked"
    );
    assert!(!wrong.contains("banner-fault"));
    let server = render(failed(
        snap(Phase::Code, Lang::En),
        SessionError::Server("HTTP 502".into()),
    ));
    assert!(!server.contains("aria-invalid=\"true\""));
    assert!(text(&server).contains("Try again"));
}

// ---- Home -------------------------------------------------------------------

fn invoice(id: i64, status: InvoiceStatus, due: (i32, u32, u32), cents: i64) -> Invoice {
    Invoice {
        id,
        supplier: format!("Supplier {id} Oy"),
        invoice_number: format!("2026-{id:04}"),
        amount_cents: cents,
        currency: "EUR".into(),
        due_date: NaiveDate::from_ymd_opt(due.0, due.1, due.2).unwrap(),
        iban: "FI2112345600000785".into(),
        reference: "RF18539007547034".into(),
        status,
        status_by: None,
        status_at: None,
    }
}

/// Home on 1 Dec 2026 with two invoices to approve (one overdue) and two
/// approved, the second of them picked.
fn home_with_invoices(language: Lang) -> Snapshot {
    Snapshot {
        invoices: Some(vec![
            invoice(1, InvoiceStatus::AwaitingApproval, (2026, 11, 20), 123456),
            invoice(2, InvoiceStatus::AwaitingApproval, (2026, 12, 10), 9900),
            invoice(3, InvoiceStatus::Approved, (2026, 12, 5), 50000),
            invoice(4, InvoiceStatus::Approved, (2026, 12, 6), 2550),
        ]),
        selected: vec![4],
        today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        can_pay: true,
        ..logged_in(Phase::Home, language)
    }
}

#[test]
fn home_shows_name_and_company_in_a_button_and_the_invoices() {
    let html = render(home_with_invoices(Lang::En));
    let header_button = &html[html.find("class=\"account-button\"").unwrap()..];
    let header_button = &header_button[..header_button.find("</button>").unwrap()];
    assert!(header_button.contains("Maija Meikäläinen"));
    assert!(header_button.contains("Meikäläinen Consulting Oy"));
    assert!(
        !header_button.contains("aria-haspopup"),
        "it opens a screen, not a menu"
    );
    let t = text(&html);
    assert!(t.contains("Welcome, Maija"));
    assert!(t.contains("To approve (2)"));
    assert!(t.contains("To pay (2)"));
    assert!(t.contains("€1,234.56"), "amounts as English writes them");
    assert!(t.contains("Due 20 Nov 2026"));
    assert_eq!(t.matches("Overdue").count(), 1, "only the invoice past due");
    assert!(t.contains("1 March 2026"), "login validity");
}

#[test]
fn only_approved_invoices_have_a_check_box_and_pay_shows_the_picked_total() {
    let html = render(home_with_invoices(Lang::En));
    assert_eq!(html.matches("class=\"invoice-pick\"").count(), 2);
    assert!(tag_with_id(&html, "pick-4").contains("checked"));
    assert!(!tag_with_id(&html, "pick-3").contains("checked"));
    assert!(tag_with_id(&html, "pick-3").contains("aria-label=\"Pay Supplier 3 Oy\""));
    let t = text(&html);
    assert!(t.contains("Total €25.50"));
    assert!(t.contains("Pay 1 invoice"));
    let none = render(Snapshot {
        selected: Vec::new(),
        ..home_with_invoices(Lang::En)
    });
    assert!(!none.contains("id=\"pay\""), "no Pay without a pick");
}

#[test]
fn home_in_finnish() {
    let t = text(&render(home_with_invoices(Lang::Fi)));
    assert!(t.contains("Tervetuloa, Maija"));
    assert!(t.contains("Hyväksyttävät (2)"));
    assert!(
        t.contains("1\u{a0}234,56\u{a0}€"),
        "amounts as Finnish writes them"
    );
    assert!(t.contains("Eräpäivä 20.11.2026"));
    assert!(t.contains("Maksa 1 lasku"));
    assert!(t.contains("1.3.2026"));
}

#[test]
fn home_says_when_the_invoices_could_not_be_fetched_with_try_again() {
    let html = render(failed(
        logged_in(Phase::Home, Lang::En),
        SessionError::Offline,
    ));
    let t = text(&html);
    assert!(t.contains("Loading invoices"));
    assert!(t.contains("Try again"));
}

#[test]
fn an_invoice_shows_its_details_with_the_iban_in_groups_of_four() {
    let mut snapshot = home_with_invoices(Lang::En);
    snapshot.phase = Phase::Invoice;
    snapshot.invoice = Some(invoice(
        1,
        InvoiceStatus::AwaitingApproval,
        (2026, 11, 20),
        123456,
    ));
    let html = render(snapshot.clone());
    let t = text(&html);
    for want in [
        "Supplier 1 Oy",
        "2026-0001",
        "FI21 1234 5600 0007 85",
        "RF18539007547034",
        "20 Nov 2026",
        "Overdue",
        "€1,234.56",
        "Awaiting approval",
    ] {
        assert!(t.contains(want), "{want}");
    }
    assert!(html.contains("id=\"approve\""));
    assert!(html.contains("id=\"reject\""));
    snapshot.invoice = Some(invoice(3, InvoiceStatus::Paid, (2026, 12, 5), 50000));
    let paid = render(snapshot);
    assert!(!paid.contains("id=\"approve\"") && !paid.contains("id=\"reject\""));
    assert!(
        !text(&paid).contains("Overdue"),
        "a paid invoice is not overdue"
    );
}

fn order() -> PaymentOrder {
    PaymentOrder {
        payment_id: "p1".into(),
        company: OrderCompany {
            business_id: "2345678-9".into(),
            name: "Meikäläinen Consulting Oy".into(),
        },
        items: vec![
            PaymentItem {
                invoice_id: 3,
                supplier: "Valio Oy".into(),
                iban: "FI2112345600000785".into(),
                reference: "13".into(),
                amount_cents: 50000,
                due_date: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
            },
            PaymentItem {
                invoice_id: 4,
                supplier: "Fazer Oy".into(),
                iban: "FI5542345670000081".into(),
                reference: "RF18539007547034".into(),
                amount_cents: 2550,
                due_date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            },
        ],
        total_cents: 52550,
        currency: "EUR".into(),
        nonce: "bm9uY2U".into(),
        expires_at: Utc.with_ymd_and_hms(2026, 12, 1, 10, 5, 0).unwrap(),
    }
}

#[test]
fn the_confirmation_shows_every_payee_the_total_and_the_company_above_the_pin_pad() {
    let snapshot = Snapshot {
        order: Some(order()),
        ..logged_in(Phase::PayConfirm, Lang::En)
    };
    let html = render(snapshot.clone());
    let t = text(&html);
    for want in [
        "Meikäläinen Consulting Oy (2345678-9)",
        "Valio Oy",
        "FI21 1234 5600 0007 85",
        "€500.00",
        "Fazer Oy",
        "FI55 4234 5670 0000 81",
        "RF18539007547034",
        "€25.50",
        "€525.50",
        "Cancel",
    ] {
        assert!(t.contains(want), "{want}");
    }
    assert!(html.contains("id=\"pin-pad\""));
    let wrong = text(&render(failed(
        snapshot,
        SessionError::PinIncorrect { attempts_left: 3 },
    )));
    assert!(wrong.contains("3"), "attempts left: {wrong}");
}

#[test]
fn the_result_says_how_many_invoices_were_paid() {
    let paid = |id, cents| invoice(id, InvoiceStatus::Paid, (2026, 12, 5), cents);
    let snapshot = Snapshot {
        receipt: Some(PaymentConfirmed {
            payment_id: "p1".into(),
            status: "confirmed".into(),
            invoices: vec![paid(3, 50000), paid(4, 2550)],
        }),
        ..logged_in(Phase::Paid, Lang::Fi)
    };
    let t = text(&render(snapshot));
    assert!(t.contains("Maksu vahvistettu"));
    assert!(t.contains("2 laskua maksettiin."));
    assert!(t.contains("525,50\u{a0}€"));
}

// ---- Company menu -------------------------------------------------------------

#[test]
fn company_menu_lists_companies_marks_current_go_back_and_log_out() {
    let html = render(logged_in(Phase::CompanyMenu, Lang::En));
    let t = text(&html);
    assert!(t.contains("Go back"));
    assert!(t.contains("Log out"));
    assert!(t.contains("Heeros Demo Oy"));
    assert!(t.contains("Meikäläinen Consulting Oy"));
    assert_eq!(html.matches("aria-current=\"true\"").count(), 1);
    let current = &html[html.find("aria-current=\"true\"").unwrap()..];
    let current = &current[..current.find("</button>").unwrap()];
    assert!(current.contains("Meikäläinen Consulting Oy"), "{current}");
    assert!(current.contains("Current"));
    // "Go back" comes first (top left), "Log out" last (bottom).
    assert!(t.find("Go back").unwrap() < t.find("Heeros Demo Oy").unwrap());
    assert!(t.rfind("Log out").unwrap() > t.find("Meikäläinen Consulting Oy").unwrap());
}

#[test]
fn company_menu_in_finnish() {
    let t = text(&render(logged_in(Phase::CompanyMenu, Lang::Fi)));
    assert!(t.contains("Takaisin"));
    assert!(t.contains("Kirjaudu ulos"));
    assert!(t.contains("Valittu"));
}

#[test]
fn company_menu_offline() {
    let t = text(&render(failed(
        logged_in(Phase::CompanyMenu, Lang::En),
        SessionError::Offline,
    )));
    assert!(t.contains("Cannot reach Heeros. Check your connection and try again."));
}

// ---- Busy state ----------------------------------------------------------------

#[test]
fn home_tells_of_wrong_pins_since_the_last_unlock() {
    let quiet = text(&render(logged_in(Phase::Home, Lang::En)));
    assert!(!quiet.contains("wrong PIN"), "nothing to tell");
    let mut s = logged_in(Phase::Home, Lang::En);
    s.failed_attempts_since_last_unlock = 2;
    let html = render(s.clone());
    assert!(html.contains("role=\"alert\""));
    assert!(text(&html).contains("2 wrong PIN attempts since you last opened the app"));
    s.failed_attempts_since_last_unlock = 1;
    assert!(text(&render(s)).contains("1 wrong PIN attempt since"));
}

#[test]
fn busy_disables_every_button_and_shows_a_spinner() {
    for snapshot in [
        snap(Phase::Intro { step: 2 }, Lang::En),
        snap(Phase::Login, Lang::En),
        snap(Phase::Code, Lang::En),
        snap(Phase::PinSetup, Lang::En),
        logged_in(Phase::Unlock, Lang::En),
        logged_in(Phase::Home, Lang::En),
        logged_in(Phase::CompanyMenu, Lang::En),
    ] {
        let phase = snapshot.phase;
        let html = render(Snapshot {
            busy: true,
            ..snapshot
        });
        // Every button is disabled itself or sits in a disabled fieldset.
        let outside_fieldset = match (html.find("<fieldset"), html.find("</fieldset>")) {
            (Some(a), Some(b)) => {
                let tag = &html[a..a + html[a..].find('>').unwrap()];
                assert!(tag.contains("disabled"), "{phase:?}: {tag}");
                format!("{}{}", &html[..a], &html[b..])
            }
            _ => html.clone(),
        };
        for button in outside_fieldset.split("<button").skip(1) {
            let tag = &button[..button.find('>').unwrap()];
            assert!(tag.contains("disabled"), "{phase:?}: enabled button {tag}");
        }
        if matches!(
            phase,
            Phase::Login | Phase::Code | Phase::PinSetup | Phase::Unlock
        ) {
            assert!(html.contains("class=\"spinner\""), "{phase:?}: spinner");
            assert!(html.contains("aria-busy=\"true\""), "{phase:?}: aria-busy");
        }
    }
}

// ---- Start-up failure ----------------------------------------------------------

#[test]
fn no_secure_storage_is_a_clear_screen_not_a_panic() {
    #[allow(non_snake_case)]
    fn Failed() -> Element {
        rsx! {
            StartupFailedScreen {
                failure: StartupFailure::Storage("org.freedesktop.secrets not provided".into()),
                lang: Lang::En,
            }
        }
    }
    let mut dom = VirtualDom::new(Failed);
    dom.rebuild_in_place();
    let t = text(&dioxus_ssr::render(&dom));
    assert!(t.contains("Heeros Mobile cannot start"));
    assert!(t.contains("secure storage"));
    assert!(t.contains("org.freedesktop.secrets not provided"));
}

// ---- Languages and accessible names -----------------------------------------

#[test]
fn the_language_is_switchable_on_the_first_intro_step_and_login() {
    for phase in [Phase::Intro { step: 0 }, Phase::Login] {
        let html = render(snap(phase, Lang::Sv));
        for (code, name) in [("en", "English"), ("fi", "Suomi"), ("sv", "Svenska")] {
            let pill = &html[html.find(&format!("lang=\"{code}\"")).expect(code)..];
            let pill = &pill[..pill.find("</button>").unwrap()];
            assert!(pill.contains(code.to_uppercase().as_str()), "{pill}");
            assert!(pill.contains(name), "the pill says its language: {pill}");
        }
        let sv = &html[html.find("lang=\"sv\"").unwrap()..];
        assert!(sv[..sv.find('>').unwrap()].contains("aria-pressed=\"true\""));
        assert_eq!(
            html.matches("aria-pressed=\"true\"").count(),
            1,
            "{phase:?}"
        );
    }
    let later = render(snap(Phase::Intro { step: 1 }, Lang::En));
    assert!(!later.contains("lang-switch"), "only the first step");
}

#[test]
fn the_company_menu_has_the_language_choice() {
    let html = render(logged_in(Phase::CompanyMenu, Lang::Sv));
    let choice = &html[html.find("id=\"language\"").expect("the language fieldset")..];
    let choice = &choice[..choice.find("</fieldset>").unwrap()];
    assert!(text(choice).contains("Språk"));
    for name in ["English", "Suomi", "Svenska"] {
        assert!(choice.contains(name), "{name}");
    }
    assert_eq!(choice.matches("checked").count(), 1, "{choice}");
    let checked = &choice[..choice.find("checked").unwrap()];
    assert!(checked.rfind("value=\"sv\"") > checked.rfind("value=\"fi\""));
}

#[test]
fn every_screen_in_swedish() {
    let intro = text(&render(snap(Phase::Intro { step: 0 }, Lang::Sv)));
    assert!(intro.contains("Hoppa över") && intro.contains("Nästa"));
    let login = render(snap(Phase::Login, Lang::Sv));
    assert!(text(&login).contains("Logga in i Heeros Mobile"));
    assert!(tag_with_id(&login, "username").contains("placeholder=\"Förnamn Efternamn\""));
    let code = text(&render(failed(
        snap(Phase::Code, Lang::Sv),
        SessionError::CodeInvalid { attempts_left: 1 },
    )));
    assert!(code.contains("Du har ett försök kvar"), "{code}");
    let home = text(&render(logged_in(Phase::Home, Lang::Sv)));
    assert!(home.contains("Välkommen, Maija"));
    assert!(home.contains("1.3.2026"), "{home}");
    assert!(home.contains("Inköpsfakturor"));
    let menu = text(&render(logged_in(Phase::CompanyMenu, Lang::Sv)));
    assert!(menu.contains("Logga ut") && menu.contains("Tillbaka"));
    let unlock = text(&render(logged_in(Phase::Unlock, Lang::Sv)));
    assert!(unlock.contains("Hej, Maija Meikäläinen"), "{unlock}");
}

#[test]
fn the_finnish_product_is_heeros_mobiili() {
    for phase in [Phase::Login, Phase::Unlock, Phase::PinSetup, Phase::Code] {
        let html = render(logged_in(phase, Lang::Fi));
        assert!(!text(&html).contains("Heeros Mobile"), "{phase:?}");
    }
    assert!(text(&render(snap(Phase::Login, Lang::Fi))).contains("Heeros Mobiili"));
}

#[test]
fn the_home_header_opens_a_screen_not_a_menu() {
    let html = render(logged_in(Phase::Home, Lang::En));
    assert!(!html.contains("aria-haspopup"), "no popup menu here");
}

#[test]
fn the_password_toggle_is_named_show_password() {
    let html = render(snap(Phase::Login, Lang::En));
    let toggle = tag_with_id(&html, "password-toggle");
    assert!(toggle.contains("aria-label=\"Show password\""), "{toggle}");
    assert!(toggle.contains("aria-controls=\"password\""), "{toggle}");
    let fi = render(snap(Phase::Login, Lang::Fi));
    assert!(tag_with_id(&fi, "password-toggle").contains("aria-label=\"Näytä salasana\""));
}

#[test]
fn the_code_screen_links_to_the_help_page() {
    let html = render(snap(Phase::Code, Lang::En));
    let link = tag_with_id(&html, "read-more");
    assert!(
        link.contains(&format!(
            "href=\"{}\"",
            heeros_mobile::app_config::help_url()
        )),
        "{link}"
    );
    let words = |html: &str| text(html).split_whitespace().collect::<Vec<_>>().join(" ");
    let t = words(&html);
    assert!(t.contains("Read more about two-factor authentication"));
    assert!(
        t.contains("(opens in your browser)"),
        "said to screen readers"
    );
    assert!(words(&render(snap(Phase::Code, Lang::Sv))).contains("Läs mer om tvåstegsverifiering"));
}
