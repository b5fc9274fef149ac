//! Driving the app's real window under Xvfb with xdotool, like a person:
//! launch the binary, find an element by id, CSS selector or visible text
//! through the app's test probe (`heeros_mobile::ui::probe`), click its
//! middle, type at full speed with a Finnish keymap (so "ä" types), take
//! screenshots cropped to the window. Nothing here knows a pixel position:
//! a change of font or stylesheet moves the elements and the clicks follow.
//! Shared by `tests/window_journey.rs` and `examples/screenshots.rs`.
//!
//! Needs a display (xvfb-run), a D-Bus session with a Secret Service
//! (dbus-run-session + scripts/with-keyring.sh), xdotool, setxkbmap and
//! ImageMagick.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
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

/// What to find on the page.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// An element id: `Id("code")` is `#code`.
    Id(&'a str),
    /// A CSS selector; the first visible match.
    Css(&'a str),
    /// The innermost visible element whose text is exactly this.
    Text(&'a str),
}

impl Target<'_> {
    fn query(&self) -> serde_json::Value {
        match self {
            Target::Id(id) => serde_json::json!({ "selector": format!("#{id}") }),
            Target::Css(selector) => serde_json::json!({ "selector": selector }),
            Target::Text(text) => serde_json::json!({ "text": text }),
        }
    }
}

/// An element as the probe saw it: its box in window px, text, field
/// value and whether it has the keyboard focus.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Found {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub text: String,
    pub value: Option<String>,
    pub focused: bool,
}

impl Found {
    /// The middle of the element, in window coordinates.
    pub fn middle(&self) -> (i32, i32) {
        (
            (self.x + self.width / 2.0).round() as i32,
            (self.y + self.height / 2.0).round() as i32,
        )
    }
}

/// The connection the app's probe opened to us.
struct Probe {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Probe {
    /// Waits for the app to connect to `listener`.
    fn accept(listener: &TcpListener, timeout: Duration) -> Option<Probe> {
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + timeout;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    let writer = stream.try_clone().unwrap();
                    return Some(Probe {
                        reader: BufReader::new(stream),
                        writer,
                    });
                }
                Err(_) if Instant::now() < deadline => pause_ms(50),
                Err(_) => return None,
            }
        }
    }

    fn ask(&mut self, target: Target) -> Option<Found> {
        writeln!(self.writer, "{}", target.query()).expect("the probe takes a query");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("the probe answers");
        serde_json::from_str::<Option<Found>>(&line)
            .unwrap_or_else(|e| panic!("the probe's answer {line:?}: {e}"))
    }
}

/// One running copy of the app and its window.
pub struct App {
    child: Child,
    window: String,
    probe: Mutex<Probe>,
    /// Where [`App::shot`] (and a failed wait) puts screenshots.
    shots: PathBuf,
}

impl App {
    /// Starts `bin` with `env` (plus LANG=en_US.UTF-8 unless given) and its
    /// test probe asked to connect here through the environment variable
    /// `probe_env` (the app's `ui::probe::ENV_TEST_PROBE`), waits for its
    /// window and its first screen, gives the window the keyboard focus and
    /// the display a Finnish keymap.
    pub fn launch(bin: &Path, probe_env: &str, env: &[(&str, &str)], shots: &Path) -> App {
        std::fs::create_dir_all(shots).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let probe_addr = listener.local_addr().unwrap().to_string();
        let mut child = Command::new(bin)
            .env("LANG", "en_US.UTF-8")
            .env(probe_env, &probe_addr)
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} starts: {e}", bin.display()));
        let Some(probe) = Probe::accept(&listener, Duration::from_secs(60)) else {
            let _ = child.kill();
            panic!(
                "{} never connected its test probe (is it a debug build?)",
                bin.display()
            );
        };
        let mut app = App {
            child,
            window: String::new(),
            probe: Mutex::new(probe),
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
        // The first screen (intro, login or unlock) has a main area.
        app.wait_for(Target::Css("main"), Duration::from_secs(30));
        // No window manager under Xvfb: nothing else gives the window the
        // keys. The keymap is set while a window is open (an X server with
        // no client resets it) and makes "ä" a key of its own.
        xdo(&["windowfocus", "--sync", &app.window]);
        let keymap = Command::new("setxkbmap").arg("fi").status();
        assert!(
            keymap.is_ok_and(|s| s.success()),
            "setxkbmap fi (package x11-xkb-utils)"
        );
        app
    }

    /// The element `target` as it is now, if it is on the screen.
    pub fn find(&self, target: Target) -> Option<Found> {
        self.probe.lock().unwrap().ask(target)
    }

    /// Waits for `target` to be on the screen; panics (with a screenshot)
    /// after `timeout`.
    pub fn wait_for(&self, target: Target, timeout: Duration) -> Found {
        let mut found = None;
        self.wait_until(&format!("{target:?}"), timeout, || {
            found = self.find(target);
            found.is_some()
        });
        found.unwrap()
    }

    /// Waits (up to 20 s) for `target` and clicks its middle.
    pub fn click_on(&self, target: Target) {
        let found = self.wait_for(target, Duration::from_secs(20));
        self.click(found.middle());
    }

    /// Waits (up to 20 s) for `target` to be on the screen with the
    /// keyboard focus: the next keys go into it without a click.
    pub fn assert_focused(&self, target: Target) {
        self.wait_for(target, Duration::from_secs(20));
        self.wait_until(
            &format!("the focus in {target:?}"),
            Duration::from_secs(5),
            || self.find(target).is_some_and(|found| found.focused),
        );
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

    /// Clicks at window coordinates (found by [`App::find`], never written
    /// in a test).
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
    /// first (`at`), replaces its text with `first`, Tab, replaces the next
    /// one's with `second`, Enter.
    pub fn fill_two_and_send(&self, at: Target, first: &str, second: &str) {
        self.click_on(at);
        self.key(&["ctrl+a"]);
        self.type_fast(first);
        self.key(&["Tab", "ctrl+a"]);
        self.type_fast(second);
        self.enter();
    }

    /// Takes the keyboard focus away from the window (to the root window),
    /// as another app in front would; the window stays on the screen.
    pub fn unfocus(&self) {
        // The pointer leaves first: GTK takes a focus change to the root
        // window as real only once the pointer is outside the window.
        let g = self.geometry();
        xdo(&[
            "mousemove",
            &(g.x + g.width + 20).to_string(),
            &(g.y + g.height + 20).to_string(),
        ]);
        let root = xdo(&["search", "--maxdepth", "0", ""]);
        xdo(&[
            "windowfocus",
            "--sync",
            root.lines().next().unwrap_or_default(),
        ]);
        pause_ms(300);
    }

    /// Gives the window the keyboard focus back.
    pub fn refocus(&self) {
        xdo(&["windowfocus", "--sync", &self.window]);
        pause_ms(300);
    }

    /// Hides the window (unmapped: minimised, as far as the page can tell:
    /// it is hidden and has lost the focus). The page answers no probe
    /// queries until [`App::show`].
    pub fn hide(&self) {
        xdo(&["windowunmap", "--sync", &self.window]);
        pause_ms(300);
    }

    /// Shows the window again and gives it the keyboard focus.
    pub fn show(&self) {
        xdo(&["windowmap", "--sync", &self.window]);
        xdo(&["windowfocus", "--sync", &self.window]);
        pause_ms(300);
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
