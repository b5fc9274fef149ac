//! Driving the app's real window under Xvfb with xdotool, like a person:
//! launch the binary, click at window coordinates, type at full speed, take
//! screenshots cropped to the window. Shared by `tests/window_journey.rs`
//! and `examples/screenshots.rs` (included with `#[path]`).
//!
//! Needs a display (xvfb-run), a D-Bus session with a Secret Service
//! (dbus-run-session + scripts/with-keyring.sh), xdotool and ImageMagick.

#![allow(dead_code)] // each includer uses its own part

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Why the window cannot be driven here, if it cannot.
pub fn skip_reason() -> Option<&'static str> {
    if std::env::var_os("DISPLAY").is_none() {
        return Some("no DISPLAY (run under xvfb-run)");
    }
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return Some("no D-Bus session (run under dbus-run-session with gnome-keyring)");
    }
    if Command::new("xdotool").arg("version").output().is_err() {
        return Some("xdotool is not installed");
    }
    None
}

/// Runs xdotool; its trimmed stdout.
pub fn xdo(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Polls `ok` every 100 ms; false when `timeout` passed first.
pub fn poll(timeout: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

pub fn pause_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// A window's position and size on the screen (xdotool getwindowgeometry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Geometry {
    pub x: i32,
    pub y: i32,
    pub width: i32,
    pub height: i32,
}

/// One running copy of the app and its window.
pub struct App {
    child: Child,
    window: String,
    /// Where [`App::shot`] (and a failed wait) puts screenshots.
    shots: PathBuf,
}

impl App {
    /// Starts `bin` with `env` (plus LANG=en_US.UTF-8 unless given) and
    /// waits for its window and first paint.
    pub fn launch(bin: &Path, env: &[(&str, &str)], shots: &Path) -> App {
        std::fs::create_dir_all(shots).unwrap();
        let child = Command::new(bin)
            .env("LANG", "en_US.UTF-8")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} starts: {e}", bin.display()));
        let mut app = App {
            child,
            window: String::new(),
            shots: shots.to_owned(),
        };
        let mut window = String::new();
        app.wait_until("the window", Duration::from_secs(60), || {
            window = xdo(&["search", "--onlyvisible", "--name", "^Heeros Mobile$"])
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned();
            !window.is_empty()
        });
        app.window = window;
        // First paint follows the window by a moment.
        std::thread::sleep(Duration::from_secs(3));
        app
    }

    /// Polls `ok`; on timeout takes a `failed-…` screenshot and panics.
    pub fn wait_until(&self, what: &str, timeout: Duration, ok: impl FnMut() -> bool) {
        if !poll(timeout, ok) {
            self.shot(&format!("failed-{}", what.replace(' ', "-")));
            panic!(
                "timed out waiting for: {what} (screenshot in {})",
                self.shots.display()
            );
        }
    }

    pub fn geometry(&self) -> Geometry {
        let out = xdo(&["getwindowgeometry", "--shell", &self.window]);
        let value = |key: &str| -> i32 {
            out.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no {key} in xdotool's geometry: {out}"))
        };
        Geometry {
            x: value("X"),
            y: value("Y"),
            width: value("WIDTH"),
            height: value("HEIGHT"),
        }
    }

    /// Screenshot of the window only: the screen, cropped to the window's
    /// geometry, as `<shots>/<name>.png`. Moves the pointer off the window.
    pub fn shot(&self, name: &str) -> PathBuf {
        let path = self.shots.join(format!("{name}.png"));
        let screen = self.shots.join(format!(".{name}.screen.png"));
        let g = self.geometry();
        // The pointer off the window: no hover colours in the picture.
        xdo(&[
            "mousemove",
            &(g.x + g.width + 20).to_string(),
            &(g.y + g.height + 20).to_string(),
        ]);
        pause_ms(200);
        let taken = Command::new("import")
            .args(["-window", "root"])
            .arg(&screen)
            .status()
            .is_ok_and(|s| s.success());
        if taken {
            let _ = Command::new("convert")
                .arg(&screen)
                .args([
                    "-crop",
                    &format!("{}x{}+{}+{}", g.width, g.height, g.x, g.y),
                ])
                .arg("+repage")
                .arg(&path)
                .status();
        }
        let _ = std::fs::remove_file(&screen);
        path
    }

    pub fn click(&self, (x, y): (i32, i32)) {
        xdo(&[
            "mousemove",
            "--window",
            &self.window,
            &x.to_string(),
            &y.to_string(),
            "click",
            "1",
        ]);
        pause_ms(300);
    }

    /// Types at full speed (no delay between keys), then lets the page
    /// settle before the next click.
    pub fn type_fast(&self, text: &str) {
        xdo(&["type", "--delay", "0", "--", text]);
        pause_ms(400);
    }

    /// Presses keys (xdotool names: "Return", "Tab", "ctrl+a").
    pub fn key(&self, keys: &[&str]) {
        let mut args = vec!["key", "--delay", "50"];
        args.extend_from_slice(keys);
        xdo(&args);
        pause_ms(200);
    }

    /// Fills a field and the one after it and sends the form: clicks the
    /// first at `at`, replaces its text with `first`, Tab, replaces the
    /// next one's with `second`, Enter.
    pub fn fill_two_and_send(&self, at: (i32, i32), first: &str, second: &str) {
        self.click(at);
        self.key(&["ctrl+a"]);
        self.type_fast(first);
        self.key(&["Tab", "ctrl+a"]);
        self.type_fast(second);
        self.enter();
    }

    pub fn enter(&self) {
        xdo(&["key", "Return"]);
    }

    /// Ends the app (as the OS would: no goodbye).
    pub fn kill(self) {
        drop(self);
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
