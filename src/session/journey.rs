//! The journey as a type (docs/design.md, Journey): the stage the user is
//! on, owning exactly what that stage needs, and its transitions.
//!
//! Pure: no I/O, no async, no clock. The store ([`super::SessionStore`])
//! carries out the effects — server calls, secure storage, the PIN KDF —
//! and hands their outcomes back here as [`Event`]s (named in the past
//! tense: what happened). An event that cannot happen in a stage leaves the
//! stage as it is (the catch-all arm of [`Stage::on`]).

use std::collections::BTreeSet;

use heeros_api::{Account, Invoice, InvoiceStatus, PaymentConfirmed, PaymentOrder};
use zeroize::Zeroizing;

use super::payment::PaymentSeed;
use super::pin::UnlockSecret;
use super::vault::StoredLogin;
use super::{Notice, Phase};

/// Steps of the intro.
pub const INTRO_STEPS: u8 = 5;

/// A bearer token and when it dies.
#[derive(Clone)]
pub struct Access {
    pub token: Zeroizing<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

/// The fresh device session between a full login and its PIN: the unlock
/// secret and the new payment seed are in memory only here, to be wrapped
/// by the PIN. They zeroize when dropped. (The seed is made once per login,
/// so a PIN setup retried after a lost answer registers the same key.)
pub struct DeviceSession {
    pub device_id: String,
    pub secret: UnlockSecret,
    pub payment_seed: PaymentSeed,
    pub access: Access,
}

/// What the unlocked app holds: tokens only, never the unlock secret, so
/// nothing in memory together with the stored data can test a PIN guess
/// (docs/design.md, Security model). No refresh token when the server
/// could not be reached right after the PIN was set: the app then locks
/// when the access token dies.
#[derive(Clone)]
pub struct Tokens {
    pub access: Access,
    pub refresh: Option<Zeroizing<String>>,
}

/// The unlocked app: the login on the device and the tokens in memory.
pub struct Open {
    pub stored: StoredLogin,
    pub tokens: Tokens,
    /// Wrong PINs the server counted since the unlock before this one
    /// (someone else may have tried): the user is told.
    pub failed_attempts: u32,
    /// The current company's invoices as last fetched (None: not yet).
    pub invoices: Option<Vec<Invoice>>,
    /// Approved invoices the user picked to pay.
    pub selected: BTreeSet<i64>,
}

impl Open {
    pub fn new(stored: StoredLogin, tokens: Tokens, failed_attempts: u32) -> Open {
        Open {
            stored,
            tokens,
            failed_attempts,
            invoices: None,
            selected: BTreeSet::new(),
        }
    }

    /// One invoice of the list.
    pub fn invoice(&self, id: i64) -> Option<&Invoice> {
        self.invoices.as_ref()?.iter().find(|i| i.id == id)
    }

    /// A new list: the picks that are still approved stay picked.
    fn set_invoices(&mut self, invoices: Vec<Invoice>) {
        self.invoices = Some(invoices);
        let payable: BTreeSet<i64> = self
            .invoices
            .iter()
            .flatten()
            .filter(|i| i.status == InvoiceStatus::Approved)
            .map(|i| i.id)
            .collect();
        self.selected.retain(|id| payable.contains(id));
    }

    /// Invoices changed on the server (decided, paid): they replace their
    /// old copies.
    fn update_invoices(&mut self, changed: &[Invoice]) {
        let mut list = self.invoices.take().unwrap_or_default();
        for new in changed {
            match list.iter_mut().find(|old| old.id == new.id) {
                Some(old) => *old = new.clone(),
                None => list.push(new.clone()),
            }
        }
        self.set_invoices(list);
    }

    /// Picks or unpicks an approved invoice for payment.
    fn toggle(&mut self, id: i64) {
        let approved = self
            .invoice(id)
            .is_some_and(|i| i.status == InvoiceStatus::Approved);
        if !self.selected.remove(&id) && approved {
            self.selected.insert(id);
        }
    }
}

/// Where the user is, with what that place needs.
pub enum Stage {
    /// Storage not read yet (the splash).
    Starting,
    /// First launch: the intro, then Unlock (a stored login) or Login.
    Intro {
        step: u8,
        stored: Option<StoredLogin>,
    },
    /// No login on the device; `notice` says why when it is not the first.
    Login { notice: Option<Notice> },
    /// The password was right; the authenticator code is asked.
    Code { challenge: Zeroizing<String> },
    /// Logged in; the PIN is asked twice. Nothing is stored yet.
    PinSetup {
        session: DeviceSession,
        account: Account,
    },
    /// A login is stored; the PIN opens it.
    Unlock { stored: StoredLogin },
    /// Unlocked: the home view.
    Home(Open),
    /// Unlocked: the company menu over the home view.
    CompanyMenu(Open),
    /// Unlocked: a new PIN (the old one proved first), from the menu.
    ChangePin(Open),
    /// Unlocked: the user's device sessions, from the menu.
    Devices {
        open: Open,
        devices: Vec<heeros_api::DeviceInfo>,
    },
    /// Unlocked: one invoice, from the list on Home.
    Invoice { open: Open, id: i64 },
    /// Unlocked: a payment order, shown exactly as it will be signed; the
    /// PIN confirms it.
    PayConfirm { open: Open, order: PaymentOrder },
    /// Unlocked: the server confirmed the payment.
    Paid {
        open: Open,
        receipt: PaymentConfirmed,
    },
}

/// What happened: the outcome of an effect, or a step that needs none.
pub enum Event {
    /// Storage was read. `stored` is a login that has not expired.
    Started {
        intro_seen: bool,
        stored: Option<StoredLogin>,
        notice: Option<Notice>,
    },
    IntroAdvanced,
    IntroWentBack,
    IntroFinished,
    /// The password was right and the user has an authenticator.
    ChallengeIssued {
        challenge: Zeroizing<String>,
    },
    /// A full login made a device session.
    LoggedIn {
        session: DeviceSession,
        account: Account,
    },
    /// The user left the code or PIN step for Login.
    WentBackToLogin,
    /// The PIN wrapped the secret and the login is stored; the secret gave
    /// way to tokens.
    PinStored {
        stored: StoredLogin,
        tokens: Tokens,
    },
    /// The server took the unwrapped secret; `stored` is the login as now
    /// known (names and rights refreshed).
    Unlocked {
        stored: StoredLogin,
        tokens: Tokens,
        failed_attempts: u32,
    },
    /// New tokens for the open session.
    TokensRenewed(Tokens),
    /// The user's device sessions, as the server listed them.
    DevicesListed(Vec<heeros_api::DeviceInfo>),
    /// The current company's invoices, as the server listed them.
    InvoicesListed(Vec<Invoice>),
    InvoiceOpened(i64),
    /// An invoice was approved or rejected: back to the list.
    InvoiceDecided(Invoice),
    /// An approved invoice was picked for payment, or unpicked.
    SelectionToggled(i64),
    /// The server made a payment order of the picked invoices.
    OrderMade(PaymentOrder),
    /// The PIN-signed order was confirmed: the invoices are paid.
    PaymentConfirmed(PaymentConfirmed),
    /// The login on the device changed while open (company switched, names
    /// refreshed).
    LoginUpdated(StoredLogin),
    MenuOpened,
    WentBack,
    ChangePinOpened,
    /// The PIN was changed (the login rewrapped and stored), or not.
    ChangePinClosed,
    /// The app locked: back to Unlock, the session dropped.
    Locked,
    /// The login is over here (logged out, revoked, expired, a dead
    /// challenge); everything of the user is dropped.
    Ended(Notice),
}

impl Stage {
    /// The stage after `event`. Anything that cannot happen in this stage
    /// leaves it unchanged.
    pub fn on(self, event: Event) -> Stage {
        use Event as E;
        use Stage as S;
        match (self, event) {
            (
                S::Starting,
                E::Started {
                    intro_seen,
                    stored,
                    notice,
                },
            ) => match (intro_seen, stored) {
                (false, stored) => S::Intro { step: 0, stored },
                (true, Some(stored)) => S::Unlock { stored },
                (true, None) => S::Login { notice },
            },
            (S::Intro { step, stored }, E::IntroAdvanced) if step + 1 < INTRO_STEPS => S::Intro {
                step: step + 1,
                stored,
            },
            (S::Intro { step, stored }, E::IntroWentBack) => S::Intro {
                step: step.saturating_sub(1),
                stored,
            },
            (S::Intro { stored, .. }, E::IntroFinished | E::IntroAdvanced) => match stored {
                Some(stored) => S::Unlock { stored },
                None => S::Login { notice: None },
            },
            (S::Login { .. }, E::ChallengeIssued { challenge }) => S::Code { challenge },
            (S::Login { .. } | S::Code { .. }, E::LoggedIn { session, account }) => {
                S::PinSetup { session, account }
            }
            (S::Code { .. } | S::PinSetup { .. }, E::WentBackToLogin) => S::Login { notice: None },
            (S::PinSetup { .. }, E::PinStored { stored, tokens }) => {
                S::Home(Open::new(stored, tokens, 0))
            }
            (
                S::Unlock { .. },
                E::Unlocked {
                    stored,
                    tokens,
                    failed_attempts,
                },
            ) => S::Home(Open::new(stored, tokens, failed_attempts)),
            (stage, E::InvoicesListed(list)) => stage.with_open(|open| open.set_invoices(list)),
            (S::Home(open), E::InvoiceOpened(id)) if open.invoice(id).is_some() => {
                S::Invoice { open, id }
            }
            (S::Invoice { mut open, .. }, E::InvoiceDecided(invoice)) => {
                open.update_invoices(std::slice::from_ref(&invoice));
                S::Home(open)
            }
            (S::Home(mut open), E::SelectionToggled(id)) => {
                open.toggle(id);
                S::Home(open)
            }
            (S::Home(open), E::OrderMade(order)) => S::PayConfirm { open, order },
            (S::PayConfirm { mut open, .. }, E::PaymentConfirmed(receipt)) => {
                open.update_invoices(&receipt.invoices);
                S::Paid { open, receipt }
            }
            (
                S::Invoice { open, .. } | S::PayConfirm { open, .. } | S::Paid { open, .. },
                E::WentBack,
            ) => S::Home(open),
            (stage, E::TokensRenewed(tokens)) => stage.with_open(|open| open.tokens = tokens),
            (stage, E::LoginUpdated(stored)) => stage.with_open(|open| open.stored = stored),
            (S::Home(open), E::MenuOpened) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::ChangePinOpened) => S::ChangePin(open),
            (S::ChangePin(open), E::ChangePinClosed) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::DevicesListed(devices)) => S::Devices { open, devices },
            (S::Devices { open, .. }, E::DevicesListed(devices)) => S::Devices { open, devices },
            (S::Devices { open, .. }, E::WentBack) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::WentBack) => S::Home(open),
            (stage, E::Locked) => match stage.into_open() {
                Ok(open) => S::Unlock {
                    stored: open.stored,
                },
                Err(stage) => *stage,
            },
            (_, E::Ended(notice)) => S::Login {
                notice: Some(notice),
            },
            // Cannot happen in this stage: nothing changes.
            (stage, _) => stage,
        }
    }

    /// The same stage with its open session changed (nothing happens to a
    /// stage without one).
    fn with_open(mut self, change: impl FnOnce(&mut Open)) -> Stage {
        if let Some(open) = self.open_mut() {
            change(open);
        }
        self
    }

    /// The open session, taken out (the stage itself when it has none).
    fn into_open(self) -> Result<Open, Box<Stage>> {
        match self {
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. }
            | Stage::Invoice { open, .. }
            | Stage::PayConfirm { open, .. }
            | Stage::Paid { open, .. } => Ok(open),
            other => Err(Box::new(other)),
        }
    }

    fn open_mut(&mut self) -> Option<&mut Open> {
        match self {
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. }
            | Stage::Invoice { open, .. }
            | Stage::PayConfirm { open, .. }
            | Stage::Paid { open, .. } => Some(open),
            _ => None,
        }
    }

    /// Which screen shows this stage.
    pub fn phase(&self) -> Phase {
        match self {
            Stage::Starting => Phase::Starting,
            Stage::Intro { step, .. } => Phase::Intro { step: *step },
            Stage::Login { .. } => Phase::Login,
            Stage::Code { .. } => Phase::Code,
            Stage::PinSetup { .. } => Phase::PinSetup,
            Stage::Unlock { .. } => Phase::Unlock,
            Stage::Home(_) => Phase::Home,
            Stage::CompanyMenu(_) => Phase::CompanyMenu,
            Stage::ChangePin(_) => Phase::ChangePin,
            Stage::Devices { .. } => Phase::Devices,
            Stage::Invoice { .. } => Phase::Invoice,
            Stage::PayConfirm { .. } => Phase::PayConfirm,
            Stage::Paid { .. } => Phase::Paid,
        }
    }

    /// Why Login is shown, if it is.
    pub fn notice(&self) -> Option<Notice> {
        match self {
            Stage::Login { notice } => *notice,
            _ => None,
        }
    }

    /// Who is signed in (or logging in), as far as this stage knows.
    pub fn account(&self) -> Option<&Account> {
        match self {
            Stage::Intro { stored, .. } => stored.as_ref().map(|s| &s.account),
            Stage::PinSetup { account, .. } => Some(account),
            Stage::Unlock { stored } => Some(&stored.account),
            Stage::Starting | Stage::Login { .. } | Stage::Code { .. } => None,
            stage => stage.open().map(|open| &open.stored.account),
        }
    }

    /// What the phone's back button does here: the screen's own back
    /// (Back, Back to login, Go back), or nothing — then the OS handles it
    /// (the app goes to the background).
    pub fn back(&self) -> Option<Event> {
        match self {
            Stage::Intro { step, .. } if *step > 0 => Some(Event::IntroWentBack),
            Stage::Code { .. } | Stage::PinSetup { .. } => Some(Event::WentBackToLogin),
            Stage::CompanyMenu(_) => Some(Event::WentBack),
            Stage::ChangePin(_) => Some(Event::ChangePinClosed),
            Stage::Devices { .. }
            | Stage::Invoice { .. }
            | Stage::PayConfirm { .. }
            | Stage::Paid { .. } => Some(Event::WentBack),
            _ => None,
        }
    }

    /// The open session (every stage of the unlocked app).
    pub fn open(&self) -> Option<&Open> {
        match self {
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. }
            | Stage::Invoice { open, .. }
            | Stage::PayConfirm { open, .. }
            | Stage::Paid { open, .. } => Some(open),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use heeros_api::{Company, User};

    use super::*;
    use crate::session::pin::KdfParams;

    fn account() -> Account {
        Account {
            user: User {
                id: 1,
                display_name: "Maija Meikäläinen".into(),
            },
            companies: vec![Company {
                id: 7,
                name: "Heeros Demo Oy".into(),
                business_id: "1234567-8".into(),
            }],
            current_company_id: 7,
            login_expires_at: Utc.with_ymd_and_hms(2026, 4, 5, 8, 0, 0).unwrap(),
        }
    }

    fn stored() -> StoredLogin {
        StoredLogin {
            device_id: "dev".into(),
            wrapped_secret: "w".into(),
            salt: "s".into(),
            kdf: KdfParams::BASELINE,
            wrapped_payment_key: None,
            account: account(),
        }
    }

    fn session() -> DeviceSession {
        DeviceSession {
            device_id: "dev".into(),
            secret: UnlockSecret::from_bytes([3; 32]),
            payment_seed: PaymentSeed::generate(),
            access: Access {
                token: Zeroizing::new("token".into()),
                expires_at: Utc.with_ymd_and_hms(2026, 1, 5, 8, 15, 0).unwrap(),
            },
        }
    }

    fn tokens(access: &str) -> Tokens {
        Tokens {
            access: Access {
                token: Zeroizing::new(access.into()),
                expires_at: Utc.with_ymd_and_hms(2026, 1, 5, 8, 15, 0).unwrap(),
            },
            refresh: Some(Zeroizing::new("refresh".into())),
        }
    }

    fn home() -> Stage {
        Stage::Home(Open::new(stored(), tokens("token"), 0))
    }

    fn started(intro_seen: bool, stored: Option<StoredLogin>) -> Event {
        Event::Started {
            intro_seen,
            stored,
            notice: None,
        }
    }

    #[test]
    fn the_first_screen_follows_the_intro_mark_and_the_stored_login() {
        let cases: [(bool, bool, Phase); 4] = [
            (false, false, Phase::Intro { step: 0 }),
            (false, true, Phase::Intro { step: 0 }),
            (true, true, Phase::Unlock),
            (true, false, Phase::Login),
        ];
        for (intro_seen, has_login, phase) in cases {
            let stage = Stage::Starting.on(started(intro_seen, has_login.then(stored)));
            assert_eq!(
                stage.phase(),
                phase,
                "intro_seen={intro_seen} login={has_login}"
            );
        }
    }

    #[test]
    fn the_intro_has_five_steps_and_leads_to_unlock_or_login() {
        for (has_login, after) in [(true, Phase::Unlock), (false, Phase::Login)] {
            let mut stage = Stage::Starting.on(started(false, has_login.then(stored)));
            for step in 1..INTRO_STEPS {
                stage = stage.on(Event::IntroAdvanced);
                assert_eq!(stage.phase(), Phase::Intro { step });
            }
            assert_eq!(stage.on(Event::IntroAdvanced).phase(), after);
        }
        let first = Stage::Starting.on(started(false, None));
        assert_eq!(
            first.on(Event::IntroWentBack).phase(),
            Phase::Intro { step: 0 },
            "Back on the first step stays"
        );
        let skipped = Stage::Starting
            .on(started(false, None))
            .on(Event::IntroFinished);
        assert_eq!(skipped.phase(), Phase::Login, "Skip on any step");
    }

    #[test]
    fn login_with_and_without_the_code_reaches_pin_setup_then_home() {
        let challenge = Event::ChallengeIssued {
            challenge: Zeroizing::new("ch".into()),
        };
        let code = Stage::Login { notice: None }.on(challenge);
        assert_eq!(code.phase(), Phase::Code);
        for from in [code, Stage::Login { notice: None }] {
            let pin = from.on(Event::LoggedIn {
                session: session(),
                account: account(),
            });
            assert_eq!(pin.phase(), Phase::PinSetup);
            assert_eq!(pin.account(), Some(&account()));
            let home = pin.on(Event::PinStored {
                stored: stored(),
                tokens: tokens("token"),
            });
            assert_eq!(home.phase(), Phase::Home);
        }
    }

    #[test]
    fn going_back_from_the_code_or_the_pin_forgets_the_login() {
        let pin = Stage::Login { notice: None }.on(Event::LoggedIn {
            session: session(),
            account: account(),
        });
        let login = pin.on(Event::WentBackToLogin);
        assert_eq!(login.phase(), Phase::Login);
        assert!(login.account().is_none(), "nothing of the user is held");
    }

    #[test]
    fn home_opens_the_menu_goes_back_and_locks_to_unlock() {
        let menu = home().on(Event::MenuOpened);
        assert_eq!(menu.phase(), Phase::CompanyMenu);
        assert_eq!(menu.on(Event::WentBack).phase(), Phase::Home);
        let locked = home().on(Event::MenuOpened).on(Event::Locked);
        assert_eq!(locked.phase(), Phase::Unlock);
        assert!(locked.open().is_none(), "the session is dropped on lock");
        assert_eq!(locked.account(), Some(&account()), "the name stays shown");
    }

    #[test]
    fn an_ended_login_shows_login_with_its_reason_from_any_stage() {
        let stages = [
            Stage::Unlock { stored: stored() },
            home(),
            home().on(Event::MenuOpened),
            Stage::Code {
                challenge: Zeroizing::new("ch".into()),
            },
        ];
        for stage in stages {
            let ended = stage.on(Event::Ended(Notice::DeviceRevoked));
            assert_eq!(ended.phase(), Phase::Login);
            assert_eq!(ended.notice(), Some(Notice::DeviceRevoked));
            assert!(ended.account().is_none());
        }
    }

    #[test]
    fn events_that_cannot_happen_in_a_stage_change_nothing() {
        let cases: Vec<(Stage, Event)> = vec![
            (Stage::Login { notice: None }, Event::MenuOpened),
            (
                Stage::Login { notice: None },
                Event::PinStored {
                    stored: stored(),
                    tokens: tokens("token"),
                },
            ),
            (
                Stage::Unlock { stored: stored() },
                Event::LoggedIn {
                    session: session(),
                    account: account(),
                },
            ),
            (home(), Event::IntroAdvanced),
            (home(), Event::WentBack),
            (Stage::Starting, Event::Locked),
        ];
        for (stage, event) in cases {
            let before = stage.phase();
            assert_eq!(stage.on(event).phase(), before);
        }
    }

    #[test]
    fn the_back_button_goes_back_where_a_screen_has_a_back_and_nowhere_else() {
        let code = Stage::Code {
            challenge: Zeroizing::new("ch".into()),
        };
        let second_step = Stage::Starting
            .on(started(false, None))
            .on(Event::IntroAdvanced);
        let cases: Vec<(Stage, Option<Phase>)> = vec![
            (second_step, Some(Phase::Intro { step: 0 })),
            (Stage::Starting.on(started(false, None)), None),
            (code, Some(Phase::Login)),
            (home().on(Event::MenuOpened), Some(Phase::Home)),
            (home(), None),
            (Stage::Login { notice: None }, None),
            (Stage::Unlock { stored: stored() }, None),
        ];
        for (stage, after) in cases {
            let before = stage.phase();
            match (stage.back(), after) {
                (Some(event), Some(after)) => assert_eq!(stage.on(event).phase(), after),
                (None, None) => {}
                (event, _) => panic!("{before:?}: back is {:?}", event.is_some()),
            }
        }
    }

    #[test]
    fn a_company_switch_and_a_new_token_keep_the_stage() {
        let mut switched = stored();
        switched.account.current_company_id = 8;
        let menu = home()
            .on(Event::MenuOpened)
            .on(Event::LoginUpdated(switched));
        assert_eq!(menu.phase(), Phase::CompanyMenu);
        assert_eq!(menu.account().unwrap().current_company_id, 8);
        let renewed = menu.on(Event::TokensRenewed(tokens("new")));
        assert_eq!(renewed.open().unwrap().tokens.access.token.as_str(), "new");
    }

    fn invoice(id: i64, status: InvoiceStatus) -> Invoice {
        Invoice {
            id,
            supplier: format!("Supplier {id}"),
            invoice_number: format!("N{id}"),
            amount_cents: 1000 * id,
            currency: "EUR".into(),
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            iban: "FI2112345600000785".into(),
            reference: "13".into(),
            status,
            status_by: None,
            status_at: None,
        }
    }

    fn home_with_invoices() -> Stage {
        home().on(Event::InvoicesListed(vec![
            invoice(1, InvoiceStatus::AwaitingApproval),
            invoice(2, InvoiceStatus::Approved),
            invoice(3, InvoiceStatus::Approved),
        ]))
    }

    fn order() -> PaymentOrder {
        PaymentOrder {
            payment_id: "p".into(),
            company: heeros_api::OrderCompany {
                business_id: "1234567-8".into(),
                name: "Heeros Demo Oy".into(),
            },
            items: Vec::new(),
            total_cents: 0,
            currency: "EUR".into(),
            nonce: "n".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 1, 5, 8, 5, 0).unwrap(),
        }
    }

    #[test]
    fn only_approved_invoices_can_be_picked_for_payment() {
        let mut stage = home_with_invoices();
        for id in [1, 2, 3, 99] {
            stage = stage.on(Event::SelectionToggled(id));
        }
        let picked: Vec<i64> = stage.open().unwrap().selected.iter().copied().collect();
        assert_eq!(
            picked,
            vec![2, 3],
            "awaiting (1) and unknown (99) are not payable"
        );
        let stage = stage.on(Event::SelectionToggled(2));
        let picked: Vec<i64> = stage.open().unwrap().selected.iter().copied().collect();
        assert_eq!(picked, vec![3], "a second tap unpicks");
    }

    #[test]
    fn a_new_list_keeps_only_the_picks_that_are_still_approved() {
        let stage = home_with_invoices()
            .on(Event::SelectionToggled(2))
            .on(Event::SelectionToggled(3))
            .on(Event::InvoicesListed(vec![
                invoice(2, InvoiceStatus::Rejected),
                invoice(3, InvoiceStatus::Approved),
            ]));
        let picked: Vec<i64> = stage.open().unwrap().selected.iter().copied().collect();
        assert_eq!(picked, vec![3]);
    }

    #[test]
    fn an_invoice_opens_from_home_and_a_decision_goes_back_to_the_updated_list() {
        assert_eq!(
            home_with_invoices().on(Event::InvoiceOpened(99)).phase(),
            Phase::Home,
            "an invoice not on the list does not open"
        );
        let detail = home_with_invoices().on(Event::InvoiceOpened(1));
        assert_eq!(detail.phase(), Phase::Invoice);
        let back = detail.on(Event::InvoiceDecided(invoice(1, InvoiceStatus::Approved)));
        assert_eq!(back.phase(), Phase::Home);
        assert_eq!(
            back.open().unwrap().invoice(1).unwrap().status,
            InvoiceStatus::Approved
        );
    }

    #[test]
    fn paying_goes_from_the_order_to_the_receipt_and_back_to_home() {
        let confirm = home_with_invoices()
            .on(Event::SelectionToggled(2))
            .on(Event::OrderMade(order()));
        assert_eq!(confirm.phase(), Phase::PayConfirm);
        assert_eq!(
            confirm.back().map(|e| confirm.on(e).phase()),
            Some(Phase::Home),
            "Cancel (and the back button) leave the order unconfirmed"
        );
        let confirm = home_with_invoices()
            .on(Event::SelectionToggled(2))
            .on(Event::OrderMade(order()));
        let paid = confirm.on(Event::PaymentConfirmed(PaymentConfirmed {
            payment_id: "p".into(),
            status: "confirmed".into(),
            invoices: vec![invoice(2, InvoiceStatus::Paid)],
        }));
        assert_eq!(paid.phase(), Phase::Paid);
        let open = paid.open().unwrap();
        assert_eq!(open.invoice(2).unwrap().status, InvoiceStatus::Paid);
        assert!(
            open.selected.is_empty(),
            "a paid invoice is no longer picked"
        );
        assert_eq!(paid.on(Event::WentBack).phase(), Phase::Home);
    }

    #[test]
    fn locking_from_any_invoice_screen_drops_the_session() {
        let stages = [
            home_with_invoices().on(Event::InvoiceOpened(1)),
            home_with_invoices().on(Event::OrderMade(order())),
        ];
        for stage in stages {
            let locked = stage.on(Event::Locked);
            assert_eq!(locked.phase(), Phase::Unlock);
            assert!(locked.open().is_none());
        }
    }
}
