use std::collections::BTreeMap;

use super::*;

/// Every text of a language by its path ("intro.2.title", "seconds.one").
fn flat(texts: &Texts) -> BTreeMap<String, String> {
    fn walk(path: String, value: serde_json::Value, out: &mut BTreeMap<String, String>) {
        match value {
            serde_json::Value::String(s) => {
                out.insert(path, s);
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let p = if path.is_empty() {
                        k
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(p, v, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.into_iter().enumerate() {
                    walk(format!("{path}.{i}"), v, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(
        String::new(),
        serde_json::to_value(texts).unwrap(),
        &mut out,
    );
    out.remove("lang");
    out
}

#[test]
fn the_first_start_follows_the_os_language_and_unknown_ones_are_english() {
    let langs = |list: &[&str]| device_language_from(list.iter().map(|l| l.to_string()));
    assert_eq!(langs(&["fi-FI"]), Lang::Fi);
    assert_eq!(langs(&["sv-FI"]), Lang::Sv);
    assert_eq!(langs(&["sv-SE"]), Lang::Sv);
    assert_eq!(langs(&["en-GB"]), Lang::En);
    assert_eq!(langs(&["de-DE"]), Lang::En, "unknown: English");
    assert_eq!(langs(&[]), Lang::En, "none: English");
    assert_eq!(
        langs(&["de-DE", "sv-FI", "fi-FI"]),
        Lang::Sv,
        "the first preferred language the app has"
    );
}

#[test]
fn every_language_has_every_text_with_the_same_placeholders() {
    let en = flat(&EN);
    assert!(en.len() > 150, "{} texts", en.len());
    for texts in [&FI, &SV] {
        let other = flat(texts);
        assert_eq!(
            en.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>(),
            "{:?}",
            texts.lang
        );
        for (key, english) in &en {
            let text = &other[key];
            assert!(!text.trim().is_empty(), "{:?} {key} is empty", texts.lang);
            let mut want = placeholders(english);
            let mut got = placeholders(text);
            want.sort_unstable();
            got.sort_unstable();
            if key.ends_with(".one") {
                // "Voit yrittää vielä kerran": the one form may say the number in words.
                assert!(
                    got.iter().all(|p| want.contains(p)),
                    "{:?} {key}: {got:?} not in {want:?}",
                    texts.lang
                );
            } else {
                assert_eq!(got, want, "{:?} {key}: {text}", texts.lang);
            }
        }
    }
}

#[test]
fn placeholders_are_named_and_every_one_is_filled() {
    let names = [
        "amount", "count", "currency", "date", "name", "step", "supplier", "time", "wait",
    ];
    for lang in Lang::ALL {
        for (key, text) in flat(lang.texts()) {
            for name in placeholders(&text) {
                assert!(names.contains(&name), "{lang:?} {key}: {{{name}}}");
            }
            let filled = fill_named(&text, &names.map(|n| (n, &"x" as &dyn Display)));
            assert!(
                !filled.contains('{') && !filled.contains('}'),
                "{lang:?} {key}: {filled}"
            );
        }
    }
}

#[test]
fn swedish_and_finnish_are_translated_not_copied() {
    let en = flat(&EN);
    // Words that are the same in every language.
    let same = ["PIN-kod", "Status", "Tips"];
    for texts in [&FI, &SV] {
        let copied: Vec<_> = flat(texts)
            .into_iter()
            .filter(|(key, text)| {
                en[key] == *text
                    && !["product", "money", "date_pattern", "username_hint"]
                        .contains(&key.as_str())
                    && !same.contains(&text.as_str())
            })
            .collect();
        // Finnish shares en's date pattern only by chance; nothing else.
        assert!(copied.is_empty(), "{:?}: {copied:?}", texts.lang);
    }
}

#[test]
fn the_product_is_named_as_heeros_names_it_in_each_language() {
    assert_eq!(EN.product, "Heeros Mobile");
    assert_eq!(FI.product, "Heeros Mobiili");
    assert_eq!(SV.product, "Heeros Mobile");
    for (key, text) in flat(&FI) {
        assert!(!text.contains("Mobile"), "fi {key}: {text}");
        assert!(!text.contains("Heerosissa"), "fi {key}: {text}");
    }
    assert_eq!(FI.login_title, "Kirjaudu Heeros Mobiiliin");
}

#[test]
fn plural_rules_come_from_cldr_and_have_only_one_and_other_here() {
    for lang in Lang::ALL {
        for n in 0..=10_000u64 {
            let want = if n == 1 {
                PluralCategory::ONE
            } else {
                PluralCategory::OTHER
            };
            assert_eq!(lang.plural_category(n), want, "{lang:?} {n}");
        }
    }
}

#[test]
fn counts_take_the_plural_form_of_their_language() {
    assert_eq!(EN.pay_count(1), "Pay 1 invoice");
    assert_eq!(EN.pay_count(2), "Pay 2 invoices");
    assert_eq!(FI.pay_count(3), "Maksa 3 laskua");
    assert_eq!(SV.pay_count(1), "Betala 1 faktura");
    assert_eq!(SV.pay_count(2), "Betala 2 fakturor");
    assert_eq!(SV.paid_count(0), "0 fakturor betalades.");
    assert!(FI.failed_attempts(1).contains("yksi väärä PIN-koodi"));
    assert!(FI.failed_attempts(4).contains("4 väärää PIN-koodia"));
    assert!(SV.failed_attempts(2).starts_with("2 felaktiga PIN-koder"));
}

#[test]
fn waits_are_in_plain_words() {
    assert_eq!(EN.wait(1), "1 second");
    assert_eq!(EN.wait(0), "1 second");
    assert_eq!(EN.wait(45), "45 seconds");
    assert_eq!(EN.wait(60), "1 minute");
    assert_eq!(EN.wait(61), "2 minutes", "never promise less than the wait");
    assert_eq!(EN.wait(121), "3 minutes");
    assert_eq!(FI.wait(30), "30 sekuntia");
    assert_eq!(FI.wait(60), "1 minuutti");
    assert_eq!(SV.wait(1), "1 sekund");
    assert_eq!(SV.wait(300), "5 minuter");
}

#[test]
fn attempts_left_read_naturally() {
    let code = |t: &Texts, n| t.error(&SessionError::CodeInvalid { attempts_left: n });
    let pin = |t: &Texts, n| t.error(&SessionError::PinIncorrect { attempts_left: n });
    assert!(code(&FI, 3).contains("Voit yrittää vielä 3 kertaa."));
    assert!(code(&FI, 1).contains("Voit yrittää vielä kerran"));
    assert!(pin(&FI, 2).contains("Voit yrittää vielä 2 kertaa."));
    assert!(pin(&SV, 4).contains("Du har 4 försök kvar."));
    assert!(pin(&SV, 1).contains("Du har ett försök kvar"));
    assert!(code(&EN, 2).contains("2 attempts left"));
    assert!(pin(&EN, 1).contains("1 attempt left"));
    for t in [&EN, &FI, &SV] {
        assert!(!FI
            .error(&SessionError::CodeInvalid { attempts_left: 2 })
            .contains("Yrityksiä"));
        assert!(!t
            .error(&SessionError::RateLimited { retry_after_s: 30 })
            .contains('{'));
    }
}

#[test]
fn fill_puts_the_value_in_the_one_placeholder() {
    assert_eq!(fill("Due {date}", "1.12.2026"), "Due 1.12.2026");
    assert_eq!(fill("Hei, {name}", "Maija"), "Hei, Maija");
    assert_eq!(fill("no placeholder", 3), "no placeholder");
    assert_eq!(
        placeholders("{amount}\u{a0}{currency} {not a name}"),
        ["amount", "currency"]
    );
}

#[test]
fn english_uses_the_help_texts_words() {
    assert_eq!(EN.done, "Done");
    assert_eq!(EN.go_back, "Go back");
    assert_eq!(EN.log_out, "Log out");
    assert_eq!(EN.skip, "Skip");
    assert_eq!(EN.next, "Next");
    assert_eq!(EN.username_hint, "Name Surname");
}

#[test]
fn errors_say_what_happened_and_what_to_do() {
    assert_eq!(
        EN.error(&SessionError::Offline),
        "Cannot reach Heeros. Check your connection and try again."
    );
    assert_eq!(
        EN.error(&SessionError::RateLimited { retry_after_s: 30 }),
        "Too many attempts. Wait 30 seconds and try again."
    );
    assert_eq!(
        SV.error(&SessionError::RateLimited { retry_after_s: 90 }),
        "För många försök. Vänta 2 minuter och försök igen."
    );
    assert!(EN
        .error(&SessionError::PinIncorrect { attempts_left: 3 })
        .contains("3 attempts left"));
    assert!(EN
        .error(&SessionError::PinPolicy(PinProblem::Sequence))
        .contains("1234"));
    assert!(EN.error(&SessionError::Forbidden).contains("rights"));
    // No error text leaks the inner detail of a server or storage fault.
    for t in [&EN, &FI, &SV] {
        assert!(!t
            .error(&SessionError::Server("secret detail".into()))
            .contains("secret"));
    }
}
