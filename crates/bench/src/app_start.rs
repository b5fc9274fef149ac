//! App start: from process spawn to the first painted screen, and the
//! memory of the whole process tree (the app and its WebKit processes),
//! against a bare Dioxus window built the same way. Needs a display
//! (run under xvfb-run) and xdotool + ImageMagick.

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

/// Distinct colours in the window: a blank (unpainted) window has one or two.
fn colours(window: &str) -> usize {
    Command::new("import")
        .args(["-window", window, "-format", "%k", "info:"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
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
    while colours(&window) < 8 {
        if Instant::now() >= deadline {
            end_tree(&mut child);
            return Err(format!("{title} never painted within {timeout:?}"));
        }
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

/// Medians over `runs` measured launches. A launch whose window does not
/// appear (or never paints) is retried, up to [`LAUNCH_TRIES`] launches
/// for one measurement; when all of them fail, the figure is an error
/// naming what happened, and the caller reports it and goes on.
pub fn measure(
    binary: &Path,
    title: &str,
    env: &[(String, String)],
    runs: usize,
    timeout: Duration,
) -> Result<Start, String> {
    let runs = runs.max(1);
    let mut times = Vec::new();
    let mut pss = Vec::new();
    let mut retried = 0;
    for _ in 0..runs {
        let mut errors = Vec::new();
        let measured = (1..=LAUNCH_TRIES).find_map(|n| match once(binary, title, env, timeout) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("app start: {e} (launch {n} of at most {LAUNCH_TRIES})");
                errors.push(e);
                None
            }
        });
        let Some((t, p)) = measured else {
            return Err(format!(
                "{LAUNCH_TRIES} launches failed: {}",
                errors.join("; ")
            ));
        };
        retried += errors.len();
        times.push(t);
        pss.push(p);
    }
    times.sort();
    pss.sort();
    Ok(Start {
        first_paint: times[runs / 2],
        pss_mib: pss[runs / 2] as f64 / 1024.0,
        retried,
    })
}
