//! The journey as a type (docs/design.md, Journey): the stage the user is
//! on, owning exactly what that stage needs, and its transitions.
//!
//! Pure: no I/O, no async, no clock. The store ([`super::SessionStore`])
//! carries out the effects — server calls, secure storage, the PIN KDF —
//! and hands their outcomes back here as [`Event`]s (named in the past
//! tense: what happened). An event that cannot happen in a stage leaves the
//! stage as it is (the catch-all arm of [`Stage::on`]).

use heeros_api::Account;
use zeroize::Zeroizing;

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
/// secret is in memory only here, to be wrapped by the PIN. It zeroizes
/// when dropped.
pub struct DeviceSession {
    pub device_id: String,
    pub secret: UnlockSecret,
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
            (S::PinSetup { .. }, E::PinStored { stored, tokens }) => S::Home(Open {
                stored,
                tokens,
                failed_attempts: 0,
            }),
            (
                S::Unlock { .. },
                E::Unlocked {
                    stored,
                    tokens,
                    failed_attempts,
                },
            ) => S::Home(Open {
                stored,
                tokens,
                failed_attempts,
            }),
            (stage, E::TokensRenewed(tokens)) => stage.with_open(|open| open.tokens = tokens),
            (stage, E::LoginUpdated(stored)) => stage.with_open(|open| open.stored = stored),
            (S::Home(open), E::MenuOpened) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::ChangePinOpened) => S::ChangePin(open),
            (S::ChangePin(open), E::ChangePinClosed) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::DevicesListed(devices)) => S::Devices { open, devices },
            (S::Devices { open, .. }, E::DevicesListed(devices)) => S::Devices { open, devices },
            (S::Devices { open, .. }, E::WentBack) => S::CompanyMenu(open),
            (S::CompanyMenu(open), E::WentBack) => S::Home(open),
            (
                S::Home(open) | S::CompanyMenu(open) | S::ChangePin(open) | S::Devices { open, .. },
                E::Locked,
            ) => S::Unlock {
                stored: open.stored,
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
        match &mut self {
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. } => change(open),
            _ => {}
        }
        self
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
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. } => Some(&open.stored.account),
            Stage::Starting | Stage::Login { .. } | Stage::Code { .. } => None,
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
            Stage::Devices { .. } => Some(Event::WentBack),
            _ => None,
        }
    }

    /// The open session (Home, CompanyMenu, ChangePin).
    pub fn open(&self) -> Option<&Open> {
        match self {
            Stage::Home(open)
            | Stage::CompanyMenu(open)
            | Stage::ChangePin(open)
            | Stage::Devices { open, .. } => Some(open),
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
            account: account(),
        }
    }

    fn session() -> DeviceSession {
        DeviceSession {
            device_id: "dev".into(),
            secret: UnlockSecret::from_bytes([3; 32]),
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
        Stage::Home(Open {
            stored: stored(),
            tokens: tokens("token"),
            failed_attempts: 0,
        })
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
}
