//! The app's one stylesheet and its typeface, built into the binary, so the
//! window looks the same wherever the binary is started from and on every
//! platform (see docs/design.md, "Look").
//!
//! The typeface is Inter (SIL Open Font License 1.1, `assets/fonts/OFL.txt`),
//! its Latin subset as one variable WOFF2 file (all weights, ä/ö/å and €
//! included): it is shipped rather than taken from the system because
//! layout — where a heading wraps, where a field lands — must not depend on
//! which fonts a phone or a Linux machine happens to have.

use std::sync::LazyLock;

use base64::Engine as _;

/// The family name the stylesheet uses for the shipped typeface (a name of
/// our own, so an installed Inter of another version is never picked).
pub const UI_FONT_FAMILY: &str = "Heeros UI";

const MAIN_CSS: &str = include_str!("../../assets/main.css");
const INTER_LATIN: &[u8] = include_bytes!("../../assets/fonts/inter-latin-wght-normal.woff2");
/// The code points in the Latin subset (from the font's distribution).
const INTER_LATIN_RANGE: &str = "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, \
     U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, \
     U+2212, U+2215, U+FEFF, U+FFFD";

/// The typeface as a data URL.
static TYPEFACE_URL: LazyLock<String> = LazyLock::new(|| {
    let font = base64::engine::general_purpose::STANDARD.encode(INTER_LATIN);
    format!("data:font/woff2;base64,{font}")
});

static STYLESHEET: LazyLock<String> = LazyLock::new(|| {
    format!(
        "@font-face {{\n  font-family: \"{UI_FONT_FAMILY}\";\n  font-style: normal;\n  \
         font-weight: 100 900;\n  font-display: block;\n  \
         src: url({}) format(\"woff2\");\n  \
         unicode-range: {INTER_LATIN_RANGE};\n}}\n{MAIN_CSS}",
        *TYPEFACE_URL
    )
});

/// The whole stylesheet: the typeface, then `assets/main.css` (pages
/// rendered whole, as the accessibility audit's).
pub fn stylesheet() -> &'static str {
    &STYLESHEET
}

/// `assets/main.css` alone: the page the app's window loads, styled from
/// the first paint; the typeface follows ([`typeface_script`]).
pub fn main_css() -> &'static str {
    MAIN_CSS
}

static TYPEFACE_SCRIPT: LazyLock<String> = LazyLock::new(|| {
    let quoted = |text: &str| serde_json::Value::from(text).to_string();
    format!(
        "requestAnimationFrame(() => setTimeout(() => {{ \
         const face = new FontFace({}, {}, {{ style: \"normal\", weight: \"100 900\", unicodeRange: {} }}); \
         face.load().then(() => document.fonts.add(face)); }}, 0));",
        quoted(UI_FONT_FAMILY),
        quoted(&format!("url({})", *TYPEFACE_URL)),
        quoted(INTER_LATIN_RANGE)
    )
});

/// The script that gives the app's window its typeface once the first
/// screen is painted (the task after the next frame): decoding the 48 KB
/// font inside the first page cost about 60 ms before the first paint
/// (BENCHMARKS.md, docs/design.md "Start-up"). The font is added when
/// decoded, so text goes straight from the fallback face to it, never
/// invisible.
pub fn typeface_script() -> &'static str {
    &TYPEFACE_SCRIPT
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/design.md, "Accessibility": what scales with the phone's
    /// text size is in rem; px only for hairlines, focus rings, shadows,
    /// corner radii and touch-target minimums.
    #[test]
    fn sizes_are_in_rem_so_the_text_size_setting_scales_the_app() {
        let px_allowed = [
            "border",
            "outline",
            "box-shadow",
            "--radius",
            "--tap",
            "min-height: 44px",
            "min-width: 44px",
            "min-width: 48px",
            "min-height: 64px",
            "min-width: 64px",
            "env(",
            ": 1px",
            ": -1px",
        ];
        let mut css = MAIN_CSS.to_owned();
        while let Some(start) = css.find("/*") {
            let end = start + css[start..].find("*/").expect("closed comment") + 2;
            css.replace_range(start..end, "");
        }
        let mut checked = 0;
        for decl in css.split([';', '{', '}']).map(str::trim) {
            if !decl.contains(':') {
                continue;
            }
            if decl.starts_with("font-size") {
                assert!(!decl.contains("px"), "font sizes in rem: {decl}");
                checked += 1;
            }
            if decl.contains("px") {
                assert!(
                    px_allowed.iter().any(|ok| decl.contains(ok)),
                    "a px size that text does not scale: {decl}"
                );
            }
        }
        assert!(checked > 20, "{checked} font sizes");
        assert!(
            MAIN_CSS.contains("font-size: 100%"),
            "the root follows the OS"
        );
    }

    #[test]
    fn the_stylesheet_carries_the_typeface_and_uses_it_first() {
        let css = stylesheet();
        assert!(css.starts_with("@font-face"));
        assert!(css.contains("data:font/woff2;base64,d09GMg")); // "wOF2" magic
        let body_font = MAIN_CSS
            .lines()
            .find(|l| l.trim_start().starts_with("font-family:"))
            .expect("a font-family in main.css");
        assert!(
            body_font.contains(&format!("\"{UI_FONT_FAMILY}\", ")),
            "the shipped typeface comes first: {body_font}"
        );
    }
}
