//! App start: from process spawn to the first painted screen, and the
//! memory of the whole process tree (the app and its WebKit processes),
//! against a bare Dioxus window built the same way. Needs a display
//! (run under xvfb-run) and xdotool.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Start {
    /// Median spawn → first painted content.
    pub first_paint: Duration,
    /// Median PSS of the process tree 2 s after the first paint, MiB.
    pub pss_mib: f64,
    /// Launches that failed and were retried.
    pub retried: usize,
}

fn window_of(title: &str) -> Option<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", &format!("^{title}$")])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .map(str::to_owned)
}

/// The X server the windows open on, for reading their pixels.
struct Screen {
    conn: x11rb::rust_connection::RustConnection,
}

impl Screen {
    fn connect() -> Result<Screen, String> {
        let (conn, _) = x11rb::connect(None).map_err(|e| format!("no X display: {e}"))?;
        Ok(Screen { conn })
    }

    /// Whether the window shows at least `enough` distinct colours (a
    /// blank, unpainted window has one or two). One X request, a few
    /// milliseconds, so the first paint is seen within about that.
    fn painted(&self, window: u32, enough: usize) -> bool {
        use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
        let Some(size) = self
            .conn
            .get_geometry(window)
            .ok()
            .and_then(|c| c.reply().ok())
        else {
            return false;
        };
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                0,
                size.width,
                size.height,
                !0,
            )
            .ok()
            .and_then(|c| c.reply().ok());
        let Some(image) = image else {
            return false;
        };
        let mut seen = std::collections::HashSet::new();
        for pixel in image.data.chunks_exact(4) {
            seen.insert(u32::from_ne_bytes([pixel[0], pixel[1], pixel[2], 0]));
            if seen.len() >= enough {
                return true;
            }
        }
        false
    }
}

fn children(pid: u32) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

fn descendants(pid: u32) -> Vec<u32> {
    children(pid)
        .into_iter()
        .flat_map(|c| std::iter::once(c).chain(descendants(c)))
        .collect()
}

/// Proportional set size of a process and all its descendants, KiB.
fn tree_pss_kib(pid: u32) -> u64 {
    let own = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    own + children(pid).into_iter().map(tree_pss_kib).sum::<u64>()
}

/// Ends the launched window's whole process tree (WebKit's helper
/// processes hold X connections too).
fn end_tree(child: &mut Child) {
    for pid in descendants(child.id()) {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(500));
}

/// One launch: spawn → first painted content, and the tree's PSS 2 s
/// later; an error (never a panic) when the window does not come up or
/// never paints within `timeout`.
fn once(
    screen: &Screen,
    binary: &Path,
    title: &str,
    env: &[(String, String)],
    timeout: Duration,
) -> Result<(Duration, u64), String> {
    let start = Instant::now();
    let mut child = Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let deadline = start + timeout;
    let window = loop {
        if let Some(w) = window_of(title) {
            break w;
        }
        if let Ok(Some(status)) = child.try_wait() {
            end_tree(&mut child);
            return Err(format!(
                "{title}: the process ended ({status}) before a window"
            ));
        }
        if Instant::now() >= deadline {
            end_tree(&mut child);
            return Err(format!("no window titled {title} within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let window: u32 = window
        .parse()
        .map_err(|_| format!("xdotool named no window id: {window:?}"))?;
    while !screen.painted(window, 8) {
        if Instant::now() >= deadline {
            end_tree(&mut child);
            return Err(format!("{title} never painted within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let painted = start.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let pss = tree_pss_kib(child.id());
    end_tree(&mut child);
    Ok((painted, pss))
}

/// Launches a window that did not come up are retried this many times in
/// all before the figure is given up.
pub const LAUNCH_TRIES: usize = 3;

/// A window to launch: its binary, its title and its environment.
pub struct Window<'a> {
    pub binary: &'a Path,
    pub title: &'a str,
    pub env: &'a [(String, String)],
}

/// One measured launch of `window`, retried up to [`LAUNCH_TRIES`]
/// launches when its window does not appear (or never paints); with the
/// number of launches retried.
fn launch(
    screen: &Screen,
    window: &Window,
    timeout: Duration,
) -> Result<((Duration, u64), usize), String> {
    let mut errors = Vec::new();
    for n in 1..=LAUNCH_TRIES {
        match once(screen, window.binary, window.title, window.env, timeout) {
            Ok(m) => return Ok((m, errors.len())),
            Err(e) => {
                eprintln!("app start: {e} (launch {n} of at most {LAUNCH_TRIES})");
                errors.push(e);
            }
        }
    }
    Err(format!(
        "{}: {LAUNCH_TRIES} launches failed: {}",
        window.title,
        errors.join("; ")
    ))
}

/// Two windows side by side.
pub struct Pair {
    pub a: Start,
    pub b: Start,
    /// The median of the `runs` ratios a ÷ b, each of two launches made
    /// one right after the other.
    pub ratio: f64,
}

fn medians(mut times: Vec<Duration>, mut pss: Vec<u64>, retried: usize) -> Start {
    times.sort();
    pss.sort();
    Start {
        first_paint: times[times.len() / 2],
        pss_mib: pss[pss.len() / 2] as f64 / 1024.0,
        retried,
    }
}

/// `runs` launches of each window, alternating (a, b, a, b …) so that the
/// machine's drift — large here — falls on both alike. When a launch
/// fails even after its retries, the figure is an error naming what
/// happened, and the caller reports it and goes on.
pub fn measure_pair(
    a: &Window,
    b: &Window,
    runs: usize,
    timeout: Duration,
) -> Result<Pair, String> {
    let runs = runs.max(1);
    let screen = Screen::connect()?;
    let (mut times, mut pss, mut retried) = ([vec![], vec![]], [vec![], vec![]], [0, 0]);
    let mut ratios = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut pair = [Duration::ZERO; 2];
        for (i, window) in [a, b].into_iter().enumerate() {
            let ((t, p), r) = launch(&screen, window, timeout)?;
            pair[i] = t;
            times[i].push(t);
            pss[i].push(p);
            retried[i] += r;
        }
        ratios.push(pair[0].as_secs_f64() / pair[1].as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let [times_a, times_b] = times;
    let [pss_a, pss_b] = pss;
    Ok(Pair {
        a: medians(times_a, pss_a, retried[0]),
        b: medians(times_b, pss_b, retried[1]),
        ratio: ratios[runs / 2],
    })
}
