//! `heeros-server serve` as child processes: started, waited for, killed.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct ServerProc {
    pub base_url: String,
    binary: PathBuf,
    child: Child,
    database_url: String,
    port: u16,
}

/// The `heeros-server` binary next to this one (same profile, same target dir).
fn server_binary() -> PathBuf {
    let me = std::env::current_exe().expect("own path");
    me.with_file_name("heeros-server")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl ServerProc {
    pub async fn start(database_url: &str) -> ServerProc {
        Self::start_on(server_binary(), database_url, free_port(), &[]).await
    }

    /// [`ServerProc::start`] with more environment for the server.
    pub async fn start_with(database_url: &str, env: &[(&str, &str)]) -> ServerProc {
        Self::start_on(server_binary(), database_url, free_port(), env).await
    }

    /// Another `heeros-server` binary (say, a build before a change).
    pub async fn start_binary(binary: &Path, database_url: &str) -> ServerProc {
        Self::start_on(binary.to_owned(), database_url, free_port(), &[]).await
    }

    async fn start_on(
        binary: PathBuf,
        database_url: &str,
        port: u16,
        env: &[(&str, &str)],
    ) -> ServerProc {
        let child = Command::new(&binary)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("HEEROS_DATABASE_URL", database_url)
            .envs(env.iter().copied())
            .env("HEEROS_LOG", "warn")
            .env("HEEROS_SERVER_TIMING", "true")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start heeros-server (build it: cargo build --release -p heeros-server)");
        let proc = ServerProc {
            base_url: format!("http://127.0.0.1:{port}"),
            binary,
            child,
            database_url: database_url.to_owned(),
            port,
        };
        proc.wait_healthy().await;
        proc
    }

    async fn wait_healthy(&self) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = http.get(format!("{}/healthz", self.base_url)).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("heeros-server did not become healthy at {}", self.base_url);
    }

    /// SIGKILL, then a fresh process on the same port and database.
    pub async fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        *self = Self::start_on(
            self.binary.clone(),
            &self.database_url.clone(),
            self.port,
            &[],
        )
        .await;
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
