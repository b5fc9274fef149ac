//! The session layer's parts on their own, without a server: PIN policy,
//! PIN crypto, the in-memory vault and the API client's transport rules.

use heeros_mobile::session::pin::{self, KdfParams, KeyLayout, UnlockSecret, WrappedSecret};
use heeros_mobile::session::vault::{Preferences, StoredLogin, Vault, LOGIN_KEY, PREFERENCES_KEY};
use heeros_mobile::session::{ApiClient, PinProblem, SessionError};

mod pin_policy {
    use super::*;

    #[test]
    fn pin_policy_refuses_non_digits_wrong_lengths_repeats_and_runs() {
        let table: &[(&str, Result<(), PinProblem>)] = &[
            ("2580", Ok(())),
            ("1357", Ok(())),
            ("90210", Ok(())),
            ("13572468", Ok(())),
            ("1123", Ok(())),
            ("1243", Ok(())),
            ("7890", Ok(())),
            ("", Err(PinProblem::TooShort)),
            ("1", Err(PinProblem::TooShort)),
            ("258", Err(PinProblem::TooShort)),
            ("135792468", Err(PinProblem::TooLong)),
            ("12a4", Err(PinProblem::NotDigits)),
            ("12 45", Err(PinProblem::NotDigits)),
            (" 2580", Err(PinProblem::NotDigits)),
            ("２５８０", Err(PinProblem::NotDigits)),
            ("٢٥٨٠", Err(PinProblem::NotDigits)),
            ("0000", Err(PinProblem::AllSame)),
            ("1111", Err(PinProblem::AllSame)),
            ("99999999", Err(PinProblem::AllSame)),
            ("1234", Err(PinProblem::Sequence)),
            ("0123", Err(PinProblem::Sequence)),
            ("12345678", Err(PinProblem::Sequence)),
            ("9876", Err(PinProblem::Sequence)),
            ("43210", Err(PinProblem::Sequence)),
            ("98765432", Err(PinProblem::Sequence)),
        ];
        for (candidate, want) in table {
            assert_eq!(pin::check_pin(candidate), *want, "PIN {candidate:?}");
        }
    }

    #[test]
    fn unlock_only_checks_the_shape_so_a_stricter_policy_never_locks_anyone_out() {
        assert_eq!(pin::check_shape("1234"), Ok(()));
        assert_eq!(pin::check_shape("0000"), Ok(()));
        assert_eq!(pin::check_shape("123"), Err(PinProblem::TooShort));
        assert_eq!(pin::check_shape("123456789"), Err(PinProblem::TooLong));
        assert_eq!(pin::check_shape("12x4"), Err(PinProblem::NotDigits));
    }
}

mod pin_crypto {
    use super::*;

    fn secret() -> UnlockSecret {
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37).wrapping_add(11);
        }
        UnlockSecret::from_bytes(bytes)
    }

    #[test]
    fn baseline_kdf_params_are_the_designs() {
        let p = KdfParams::BASELINE;
        assert_eq!((p.m_kib, p.t, p.p), (19456, 2, 1));
        assert_eq!(KdfParams::default(), p);
    }

    #[test]
    fn the_right_pin_unwraps_the_secret() {
        let salt = [7u8; pin::SALT_LEN];
        let key = pin::derive_key("2580", &salt, &KdfParams::BASELINE).unwrap();
        let wrapped = pin::wrap(&secret(), &key);
        assert_ne!(
            &wrapped.0,
            secret().as_bytes(),
            "stored form is not the secret"
        );
        let again = pin::derive_key("2580", &salt, &KdfParams::BASELINE).unwrap();
        assert_eq!(pin::unwrap(&wrapped, &again), secret());
    }

    #[test]
    fn a_wrong_pin_gives_a_plausible_different_secret_and_no_error() {
        let salt = [9u8; pin::SALT_LEN];
        let key = pin::derive_key("2580", &salt, &KdfParams::BASELINE).unwrap();
        let wrapped = pin::wrap(&secret(), &key);
        for wrong in ["2581", "0852", "25800", "1357"] {
            let key = pin::derive_key(wrong, &salt, &KdfParams::BASELINE).unwrap();
            let candidate = pin::unwrap(&wrapped, &key);
            assert_ne!(candidate, secret(), "{wrong}");
            // Plausible: 32 bytes like any secret, not zeros, and it encodes
            // to the same wire shape as the real one.
            assert_eq!(candidate.to_b64().len(), secret().to_b64().len());
            assert!(candidate.as_bytes().iter().any(|&b| b != 0));
        }
    }

    #[test]
    fn the_salt_changes_the_key() {
        let a = pin::derive_key("2580", &[1u8; 16], &KdfParams::BASELINE).unwrap();
        let b = pin::derive_key("2580", &[2u8; 16], &KdfParams::BASELINE).unwrap();
        assert_ne!(*a, *b);
        assert_ne!(pin::new_salt(), pin::new_salt());
    }

    #[test]
    fn stored_params_are_used_so_the_cost_can_be_raised_later() {
        let salt = [3u8; 16];
        let cheap = KdfParams {
            m_kib: 8,
            t: 1,
            ..KdfParams::BASELINE
        };
        let a = pin::derive_key("2580", &salt, &cheap).unwrap();
        let b = pin::derive_key("2580", &salt, &KdfParams::BASELINE).unwrap();
        assert_ne!(*a, *b);
    }

    #[tokio::test]
    async fn the_kdf_runs_off_the_async_thread_and_roundtrips() {
        let salt = pin::new_salt();
        let layout = KeyLayout::UnlockAndPayment;
        let keys = pin::derive_keys_async("1357", &salt, KdfParams::BASELINE, layout)
            .await
            .unwrap();
        let wrapped = pin::wrap(&secret(), &keys.unlock);
        let again = pin::derive_keys_async("1357", &salt, KdfParams::BASELINE, layout)
            .await
            .unwrap();
        assert_eq!(pin::unwrap(&wrapped, &again.unlock), secret());
    }

    #[test]
    fn one_pin_gives_two_unrelated_keys_and_old_logins_keep_their_key() {
        let salt = [5u8; pin::SALT_LEN];
        let both = pin::derive_keys(
            "2580",
            &salt,
            &KdfParams::BASELINE,
            KeyLayout::UnlockAndPayment,
        )
        .unwrap();
        let k2 = both.payment.as_ref().expect("K2 in the 64-byte layout");
        assert_ne!(*both.unlock, **k2, "K1 and K2 differ");
        let old =
            pin::derive_keys("2580", &salt, &KdfParams::BASELINE, KeyLayout::UnlockOnly).unwrap();
        assert!(old.payment.is_none());
        // Argon2's output depends on its length: a login stored with the
        // 32-byte key must keep deriving exactly that key.
        assert_eq!(
            *old.unlock,
            *pin::derive_key("2580", &salt, &KdfParams::BASELINE).unwrap()
        );
        assert_ne!(*old.unlock, *both.unlock);
    }

    #[test]
    fn secrets_use_the_wire_encoding_and_never_print() {
        let s = secret();
        let text = s.to_b64();
        assert_eq!(text.len(), 43, "base64url without padding");
        assert_eq!(UnlockSecret::from_b64(&text).unwrap(), s);
        assert!(UnlockSecret::from_b64("c2hvcnQ").is_err());
        assert_eq!(format!("{s:?}"), "UnlockSecret(..)");
        assert_eq!(format!("{:?}", WrappedSecret([1; 32])), "WrappedSecret(..)");
    }
}

mod vault {
    use super::*;
    use chrono::{TimeZone, Utc};
    use heeros_api::{Account, Company, User};
    use heeros_mobile::lang::Lang;
    use heeros_mobile::session::LockDelay;

    fn login() -> StoredLogin {
        StoredLogin {
            device_id: "dev-1".into(),
            wrapped_secret: StoredLogin::encode_wrapped(&WrappedSecret([5; 32])),
            salt: StoredLogin::encode_salt(&[6; 16]),
            kdf: KdfParams::BASELINE,
            wrapped_payment_key: None,
            account: Account {
                login_expires_at: Utc.with_ymd_and_hms(2026, 4, 1, 12, 0, 0).unwrap(),
                user: User {
                    id: 1,
                    display_name: "Maija Meikäläinen".into(),
                },
                companies: vec![Company {
                    id: 10,
                    name: "Meikäläinen Oy".into(),
                    business_id: "1234567-8".into(),
                }],
                current_company_id: 10,
            },
        }
    }

    #[test]
    fn a_stored_login_reads_back_and_clones_share_the_store() {
        let vault = Vault::in_memory();
        assert_eq!(vault.load_login().unwrap(), None);
        vault.save_login(&login()).unwrap();
        let relaunched = vault.clone();
        assert_eq!(relaunched.load_login().unwrap(), Some(login()));
    }

    #[test]
    fn separate_in_memory_vaults_do_not_share_entries() {
        let a = Vault::in_memory();
        let b = Vault::in_memory();
        a.save_login(&login()).unwrap();
        assert_eq!(b.load_login().unwrap(), None);
    }

    #[test]
    fn wipe_removes_user_data_and_keeps_preferences() {
        let vault = Vault::in_memory();
        vault.save_login(&login()).unwrap();
        let prefs = Preferences {
            intro_seen: true,
            language: Some(Lang::Fi),
            lock_delay: LockDelay::FiveMinutes,
        };
        vault.save_preferences(&prefs).unwrap();
        assert_eq!(
            vault.stored_keys().unwrap(),
            vec![LOGIN_KEY, PREFERENCES_KEY]
        );
        vault.wipe_login().unwrap();
        vault.wipe_login().unwrap(); // twice is fine
        assert_eq!(vault.stored_keys().unwrap(), vec![PREFERENCES_KEY]);
        assert_eq!(
            vault.search_service().unwrap(),
            Some(vec![PREFERENCES_KEY.to_owned()])
        );
        assert_eq!(vault.load_login().unwrap(), None);
        assert_eq!(vault.load_preferences().unwrap(), prefs);
    }

    #[test]
    fn the_stored_login_holds_no_pin_and_no_plain_secret() {
        let vault = Vault::in_memory();
        vault.save_login(&login()).unwrap();
        let json = serde_json::to_value(login()).unwrap();
        let fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for field in &fields {
            assert!(
                ![
                    "pin",
                    "password",
                    "unlock_secret",
                    "mac",
                    "hash",
                    "checksum",
                    "access_token"
                ]
                .contains(field),
                "{field}"
            );
        }
        assert!(!format!("{:?}", login()).contains(&login().wrapped_secret));
    }

    #[test]
    fn expiry_is_absolute_from_the_stored_time() {
        let l = login();
        let at = l.account.login_expires_at;
        assert!(!l.is_expired(at - chrono::Duration::seconds(1)));
        assert!(l.is_expired(at));
        assert!(l.is_expired(at + chrono::Duration::days(1)));
    }

    #[test]
    fn missing_preferences_are_defaults() {
        let vault = Vault::in_memory();
        assert_eq!(vault.load_preferences().unwrap(), Preferences::default());
    }
}

mod api_client {
    use super::*;

    #[test]
    fn plain_http_is_refused_unless_the_host_is_loopback() {
        for ok in [
            "https://api.heeros.fi",
            "https://api.heeros.fi/",
            "https://93.184.216.34:8443/prefix",
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://[::1]:3000",
            "http://localhost:3000",
            "http://LOCALHOST",
        ] {
            assert!(ApiClient::new(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.heeros.fi",
            "http://192.168.1.10:8080",
            "http://10.0.2.2:8080",
            "http://[::2]:80",
            "http://localhost.example.com",
            "http://128.0.0.1",
            "ftp://127.0.0.1",
            "file:///etc/passwd",
            "not a url",
            "",
        ] {
            assert!(
                matches!(ApiClient::new(refused), Err(SessionError::Config(_))),
                "{refused}"
            );
        }
    }

    #[test]
    fn the_base_url_loses_its_trailing_slash() {
        let api = ApiClient::new("https://api.heeros.fi/mobile/").unwrap();
        assert_eq!(api.base_url(), "https://api.heeros.fi/mobile");
    }

    #[tokio::test]
    async fn nothing_listening_is_offline() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let api = ApiClient::new(&format!("http://127.0.0.1:{port}")).unwrap();
        let err = api.healthz().await.unwrap_err();
        assert_eq!(SessionError::from(err), SessionError::Offline);
    }
}
