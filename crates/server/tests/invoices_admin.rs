//! The operator's invoices (docs/api.md, "Admin commands"): `invoice add`
//! checks every field, `invoice list` shows them, and the demo seeds
//! valid invoices for every demo company, once, also into a demo database
//! made before invoices existed.

#[macro_use]
mod common;

use std::process::Command;

use common::*;
use heeros_api::InvoiceStatus;
use heeros_server::admin::{self, InvoiceInput};
use heeros_server::{bank, db, demo};

fn valid() -> InvoiceInput {
    InvoiceInput {
        company: "1234567-8".into(),
        supplier: "Valio Oy".into(),
        number: "2026-0042".into(),
        amount: "1 234,56".into(),
        due: "2026-12-31".into(),
        iban: "FI21 1234 5600 0007 85".into(),
        reference: "1232".into(),
    }
}

async fn invoice_add_stores_the_checked_fields_and_list_shows_them(f: &Fixture) {
    let db = &f.server.db;
    let id = admin::add_invoice(db, &valid(), f.clock.now())
        .await
        .unwrap();
    let listed = admin::list_invoices(db, Some("1234567-8")).await.unwrap();
    let row = listed.iter().find(|i| i.id == id).expect("listed");
    assert_eq!(row.amount_cents, 123_456);
    assert_eq!(row.due_date, "2026-12-31");
    assert_eq!(row.status, "awaiting_approval");
    assert_eq!(row.business_id, "1234567-8");
    assert!(admin::list_invoices(db, Some("3456789-0"))
        .await
        .unwrap()
        .iter()
        .all(|i| i.id != id));
    let all = admin::list_invoices(db, None).await.unwrap();
    assert!(all.len() > listed.len());
    // Stored electronic: the user sees the IBAN without spaces.
    let s = f.session(MATTI).await;
    let a = f.get_as(&s.access_token, heeros_api::paths::INVOICES).await;
    let text = a.body.to_string();
    assert!(text.contains("FI2112345600000785"), "{text}");
}
on_both!(
    invoice_add_stores_the_checked_fields_and_list_shows_them,
    invoice_add_stores_the_checked_fields_and_list_shows_them_on_sqlite,
    invoice_add_stores_the_checked_fields_and_list_shows_them_on_postgres
);

/// One field of [`valid`] made wrong.
type Change = fn(&mut InvoiceInput);

async fn invoice_add_refuses_each_bad_field_by_name(f: &Fixture) {
    let db = &f.server.db;
    let before = admin::list_invoices(db, None).await.unwrap().len();
    let cases: [(Change, &str); 8] = [
        (|i| i.iban = "FI22 1234 5600 0007 85".into(), "IBAN"),
        (|i| i.reference = "1233".into(), "reference"),
        (|i| i.amount = "12,345".into(), "decimals"),
        (|i| i.amount = "0".into(), "more than 0"),
        (|i| i.due = "31.12.2026".into(), "due date"),
        (|i| i.supplier = " \u{7} ".into(), "supplier"),
        (|i| i.number = String::new(), "invoice number"),
        (|i| i.company = "0000000-0".into(), "company"),
    ];
    for (change, says) in cases {
        let mut input = valid();
        change(&mut input);
        let e = admin::add_invoice(db, &input, f.clock.now())
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{e:?} should name {says}");
    }
    assert_eq!(admin::list_invoices(db, None).await.unwrap().len(), before);
}
on_both!(
    invoice_add_refuses_each_bad_field_by_name,
    invoice_add_refuses_each_bad_field_by_name_on_sqlite,
    invoice_add_refuses_each_bad_field_by_name_on_postgres
);

async fn demo_seeds_valid_invoices_for_every_company_once(f: &Fixture) {
    let db = &f.server.db;
    let all = admin::list_invoices(db, None).await.unwrap();
    for business_id in ["1234567-8", "2345678-9", "3456789-0", "4567890-1"] {
        let mine: Vec<_> = all
            .iter()
            .filter(|i| i.business_id == business_id)
            .collect();
        let count = |s: InvoiceStatus| mine.iter().filter(|i| i.status == s.as_str()).count();
        assert!(count(InvoiceStatus::AwaitingApproval) >= 3, "{business_id}");
        assert!(count(InvoiceStatus::Approved) >= 3, "{business_id}");
    }
    // Every IBAN and reference (of Liisa's three companies) passes the
    // checks the admin's input does, and both kinds of reference are there.
    let s = f.session(LIISA).await;
    let mut seen = Vec::new();
    for c in &s.account.companies {
        assert_eq!(f.switch(&s.access_token, c.id).await.status, 200);
        let a = f.get_as(&s.access_token, heeros_api::paths::INVOICES).await;
        let list: heeros_api::InvoiceList = serde_json::from_value(a.body).unwrap();
        seen.extend(list.invoices);
    }
    for i in &seen {
        assert_eq!(bank::parse_iban(&i.iban).as_deref(), Ok(i.iban.as_str()));
        assert_eq!(
            bank::parse_reference(&i.reference).as_deref(),
            Ok(i.reference.as_str())
        );
    }
    assert!(seen.iter().any(|i| i.reference.starts_with("RF")));
    assert!(seen.iter().any(|i| !i.reference.starts_with("RF")));
    // Some overdue, the others due within 30 days.
    let today = f.clock.now().date_naive();
    assert!(seen.iter().any(|i| i.due_date < today));
    assert!(seen.iter().all(|i| (i.due_date - today).num_days() <= 30));
    // Seeding again adds nothing.
    demo::seed(db, f.clock.now()).await.unwrap();
    assert_eq!(
        admin::list_invoices(db, None).await.unwrap().len(),
        all.len()
    );
}
on_both!(
    demo_seeds_valid_invoices_for_every_company_once,
    demo_seeds_valid_invoices_for_every_company_once_on_sqlite,
    demo_seeds_valid_invoices_for_every_company_once_on_postgres
);

async fn a_demo_database_from_before_invoices_gets_them(f: &Fixture) {
    let db = &f.server.db;
    let seeded = admin::list_invoices(db, None).await.unwrap().len();
    db::execute(db, "DELETE FROM invoices").await.unwrap();
    let logins = demo::seed(db, f.clock.now()).await.unwrap();
    assert_eq!(logins, demo::logins());
    assert_eq!(admin::list_invoices(db, None).await.unwrap().len(), seeded);
    // The users were not seeded twice.
    assert_eq!(admin::list_devices(db, None).await.unwrap().len(), 0);
    assert!(admin::find_user(db, "Matti Virtanen1").await.is_err());
}
on_both!(
    a_demo_database_from_before_invoices_gets_them,
    a_demo_database_from_before_invoices_gets_them_on_sqlite,
    a_demo_database_from_before_invoices_gets_them_on_postgres
);

/// `heeros-server invoice add` prints the new id; a bad IBAN fails with a
/// message that says so; `invoice list` shows the invoice.
#[tokio::test]
async fn the_invoice_commands_print_the_id_and_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = db::sqlite_url(&dir.path().join("cli.sqlite"));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_heeros-server"))
            .env("HEEROS_DATABASE_URL", &url)
            .env("HEEROS_LOG", "warn")
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["company", "add", "Heeros Demo Oy", "1234567-8"])
        .status
        .success());
    let add = [
        "invoice",
        "add",
        "--company",
        "1234567-8",
        "--supplier",
        "Valio Oy",
        "--number",
        "2026-0042",
        "--amount",
        "1 234,56",
        "--due",
        "2026-12-31",
        "--iban",
        "FI21 1234 5600 0007 85",
        "--reference",
        "1232",
    ];
    let out = run(&add);
    assert!(out.status.success(), "{out:?}");
    let id: i64 = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let mut bad = add;
    bad[13] = "FI21 1234 5600 0007 86";
    let out = run(&bad);
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a valid IBAN"), "{err}");
    let out = run(&["invoice", "list", "1234567-8"]);
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with(&id.to_string()));
    let row = row.unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("Valio Oy") && row.contains("1 234,56"),
        "{row}"
    );
    assert!(row.contains("2026-12-31") && row.contains("awaiting_approval"));
}
