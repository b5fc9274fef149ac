//! What screens are rendered with when no server is asked: Maija's account
//! as the demo data has it (two companies, the second one current). Shared
//! by `tests/ui_screens.rs` and `examples/a11y_pages.rs`.

use chrono::{DateTime, Utc};
use heeros_api::{Account, Company, User};

/// Maija Meikäläinen with Heeros Demo Oy and Meikäläinen Consulting Oy
/// (current), her login valid until `login_expires_at`.
pub fn maija_account(login_expires_at: DateTime<Utc>) -> Account {
    Account {
        user: User {
            id: 1,
            display_name: crate::world::MAIJA.into(),
        },
        companies: vec![
            Company {
                id: 10,
                name: "Heeros Demo Oy".into(),
                business_id: "1234567-8".into(),
            },
            Company {
                id: 11,
                name: "Meikäläinen Consulting Oy".into(),
                business_id: "2345678-9".into(),
            },
        ],
        current_company_id: 11,
        login_expires_at,
    }
}
