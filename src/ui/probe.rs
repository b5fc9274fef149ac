//! The test probe: how the real-window test and the screenshot run find
//! what they click by element id or visible text, never by pixels (see
//! docs/design.md, "Testing the real window").
//!
//! Only in debug builds of the desktop window, and only when
//! `HEEROS_TEST_PROBE=host:port` is set: the app then connects *out* to
//! that address (the test listens) and answers one query per line. A query
//! is a JSON object, `{"selector": "#code"}` or `{"text": "Log out"}`; the
//! answer is one JSON line, `null` when nothing visible matches, else
//! `{"x","y","width","height"}` (CSS px from the window's top left, after
//! scrolling the element into view), `"text"`, `"value"` (of a field) and
//! `"focused"` (whether it has the keyboard focus). A line that is not a
//! JSON object is answered `null`: the probe runs no code it is sent.

#[cfg(all(debug_assertions, feature = "desktop"))]
use dioxus::prelude::*;

/// The environment variable naming the address the probe connects to.
pub const ENV_TEST_PROBE: &str = "HEEROS_TEST_PROBE";

/// Finds the first visible element for the query `q` (defined before this
/// script runs). By text: the innermost visible element whose text as a
/// screen reader says it (decorations marked `aria-hidden` left out,
/// trimmed) is exactly `q.text`.
#[cfg(all(debug_assertions, feature = "desktop"))]
const FIND_JS: &str = r#"
const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
const spoken = (e) => {
  if (!e.querySelector("[aria-hidden=true]")) { return (e.innerText || "").trim(); }
  const copy = e.cloneNode(true);
  copy.querySelectorAll("[aria-hidden=true]").forEach((h) => h.remove());
  return copy.textContent.replace(/\s+/g, " ").trim();
};
let el = null;
if (typeof q.selector === "string") {
  el = [...document.querySelectorAll(q.selector)].find(visible) || null;
} else if (typeof q.text === "string") {
  const all = [...document.body.querySelectorAll("*")]
    .filter((e) => visible(e) && spoken(e) === q.text);
  el = all.find((e) => !all.some((c) => c !== e && e.contains(c))) || null;
}
if (!el) { return null; }
el.scrollIntoView({ block: "nearest", inline: "nearest" });
const r = el.getBoundingClientRect();
return {
  x: r.left, y: r.top, width: r.width, height: r.height,
  text: (el.innerText || "").trim(),
  value: typeof el.value === "string" ? el.value : null,
  focused: document.activeElement === el,
};
"#;

/// Starts the probe when the environment asks for it (debug desktop builds;
/// elsewhere this does nothing). Call once from the root component.
pub fn start() {
    #[cfg(all(debug_assertions, feature = "desktop"))]
    if let Ok(addr) = std::env::var(ENV_TEST_PROBE) {
        spawn(serve(addr));
    }
}

#[cfg(all(debug_assertions, feature = "desktop"))]
async fn serve(addr: String) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let stream = match tokio::net::TcpStream::connect(&addr).await {
        Ok(stream) => stream,
        Err(e) => {
            dioxus::logger::tracing::warn!("test probe: cannot connect to {addr}: {e}");
            return;
        }
    };
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let answer = answer(&line).await;
        if write
            .write_all(format!("{answer}\n").as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}

/// The answer to one query line (`null` for anything but a JSON object).
#[cfg(all(debug_assertions, feature = "desktop"))]
async fn answer(line: &str) -> serde_json::Value {
    let query = match serde_json::from_str::<serde_json::Value>(line) {
        Ok(query @ serde_json::Value::Object(_)) => query,
        _ => return serde_json::Value::Null,
    };
    document::eval(&format!("const q = {query};\n{FIND_JS}"))
        .join::<serde_json::Value>()
        .await
        .unwrap_or(serde_json::Value::Null)
}
