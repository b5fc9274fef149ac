//! The server side of the real-window drives (`tests/window_journey.rs`,
//! `examples/screenshots.rs`): a real server on loopback with the demo data,
//! and what the drives check on it about Maija Meikäläinen, the demo user
//! with an authenticator and two companies.

use std::path::Path;
use std::time::Duration;

use heeros_server::testing::spawn_demo;
use heeros_server::{admin, demo, Clock, Db, Running};

use crate::xwindow::App;

/// Typed with its "ä"s at full speed (the drives set a Finnish keymap).
pub const MAIJA: &str = "Maija Meikäläinen";

pub struct World {
    pub rt: tokio::runtime::Runtime,
    pub db: Db,
    pub base_url: String,
    pub maija: i64,
    _server: Running,
}

impl World {
    /// The server, its SQLite file in `dir`.
    pub fn start(dir: &Path) -> World {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (server, maija) = rt.block_on(async {
            let (server, _) = spawn_demo(dir, Clock::system()).await;
            let (maija, _) = admin::find_user(&server.db, MAIJA).await.unwrap();
            (server, maija)
        });
        World {
            db: server.db.clone(),
            base_url: server.base_url.clone(),
            maija,
            rt,
            _server: server,
        }
    }

    /// Maija's device sessions.
    pub fn devices(&self) -> Vec<admin::DeviceRow> {
        self.rt
            .block_on(admin::list_devices(&self.db, Some(MAIJA)))
            .unwrap()
    }

    pub fn current_company(&self) -> i64 {
        self.rt
            .block_on(heeros_server::auth::me(&self.db, self.maija))
            .unwrap()
            .current_company_id
    }

    /// The name and business id of Maija's current company.
    fn current(&self) -> (String, String) {
        let me = self
            .rt
            .block_on(heeros_server::auth::me(&self.db, self.maija))
            .unwrap();
        me.companies
            .into_iter()
            .find(|c| c.id == me.current_company_id)
            .map(|c| (c.name, c.business_id))
            .unwrap()
    }

    /// The name of Maija's current company.
    pub fn current_company_name(&self) -> String {
        self.current().0
    }

    /// The invoices of Maija's current company with this status
    /// ("approved", "paid", ...), by supplier.
    pub fn invoices_with_status(&self, status: &str) -> Vec<String> {
        let business_id = self.current().1;
        self.rt
            .block_on(admin::list_invoices(&self.db, Some(&business_id)))
            .unwrap()
            .into_iter()
            .filter(|i| i.status == status)
            .map(|i| i.supplier)
            .collect()
    }

    /// Maija's current authenticator code.
    pub fn code_now(&self) -> String {
        heeros_server::totp::code_at(demo::MAIJA_TOTP_SECRET, chrono::Utc::now())
    }

    /// Types Maija's current code as a person would ("123 456") into the
    /// focused field, sends it and waits for the device session it makes.
    pub fn enter_code(&self, app: &App) {
        let code = self.code_now();
        app.type_fast(&format!("{} {}", &code[..3], &code[3..]));
        app.enter();
        app.wait_until(
            "a device session after the code",
            Duration::from_secs(15),
            || self.devices().len() == 1,
        );
    }
}
