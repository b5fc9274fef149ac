//! App start: from process spawn to the first painted screen, and the
//! memory of the whole process tree (the app and its WebKit processes),
//! against a bare Dioxus window built the same way. Needs a display
//! (run under xvfb-run) and xdotool + ImageMagick.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Start {
    /// Median spawn → first painted content.
    pub first_paint: Duration,
    /// Median PSS of the process tree 2 s after the first paint, MiB.
    pub pss_mib: f64,
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

fn once(binary: &Path, title: &str, env: &[(String, String)]) -> (Duration, u64) {
    let start = Instant::now();
    let mut child = Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .spawn()
        .expect("start the app");
    let deadline = start + Duration::from_secs(60);
    let window = loop {
        if let Some(w) = window_of(title) {
            break w;
        }
        assert!(Instant::now() < deadline, "no window titled {title}");
        std::thread::sleep(Duration::from_millis(5));
    };
    while colours(&window) < 8 {
        assert!(Instant::now() < deadline, "{title} never painted");
    }
    let painted = start.elapsed();
    std::thread::sleep(Duration::from_secs(2));
    let pss = tree_pss_kib(child.id());
    // WebKit's helper processes hold X connections too: end the whole tree.
    for pid in descendants(child.id()) {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(500));
    (painted, pss)
}

pub fn measure(binary: &Path, title: &str, env: &[(String, String)], runs: usize) -> Start {
    let mut times = Vec::new();
    let mut pss = Vec::new();
    for _ in 0..runs {
        let (t, p) = once(binary, title, env);
        times.push(t);
        pss.push(p);
    }
    times.sort();
    pss.sort();
    Start {
        first_paint: times[runs / 2],
        pss_mib: pss[runs / 2] as f64 / 1024.0,
    }
}
