//! The first start follows the OS language: the real `sys-locale` read of
//! the environment (on Linux LANGUAGE, LC_ALL, LC_MESSAGES, LANG), adopted
//! into the preferences as start-up does, and shown by the started store:
//! Finnish, Swedish, English, and anything else as English. One test in
//! this binary, since it sets the process's environment.

use heeros_mobile::app_config::adopt_device_language;
use heeros_mobile::i18n::device_language;
use heeros_mobile::lang::Lang;
use heeros_mobile::session::{ApiClient, DeviceInfo, Intent, Phase, SessionStore, Vault};

#[tokio::test]
async fn the_first_start_follows_the_os_language_and_unknown_ones_are_english() {
    for (locale, want) in [
        ("fi_FI.UTF-8", Lang::Fi),
        ("sv_FI.UTF-8", Lang::Sv),
        ("en_GB.UTF-8", Lang::En),
        ("de_DE.UTF-8", Lang::En),
        ("C.UTF-8", Lang::En),
    ] {
        std::env::remove_var("LANGUAGE");
        std::env::remove_var("LC_MESSAGES");
        std::env::set_var("LC_ALL", locale);
        std::env::set_var("LANG", locale);
        assert_eq!(device_language(), want, "{locale}");

        let vault = Vault::in_memory();
        adopt_device_language(&vault, device_language()).unwrap();
        let api = ApiClient::new("http://127.0.0.1:9").unwrap();
        let mut store = SessionStore::new(api, vault.clone(), DeviceInfo::current());
        let first = store.send(Intent::Start).await;
        assert_eq!(first.phase, Phase::Intro { step: 0 }, "{locale}");
        assert_eq!(
            first.language, want,
            "{locale}: the first screen's language"
        );

        // The user's choice wins from then on, whatever the OS says.
        let other = if want == Lang::Sv { Lang::Fi } else { Lang::Sv };
        assert_eq!(store.send(Intent::SetLanguage(other)).await.language, other);
        adopt_device_language(&vault, want).unwrap();
        let api = ApiClient::new("http://127.0.0.1:9").unwrap();
        let mut relaunched = SessionStore::new(api, vault, DeviceInfo::current());
        assert_eq!(
            relaunched.send(Intent::Start).await.language,
            other,
            "{locale}"
        );
    }
}
