//! The intro illustrations: SVG files in `assets/intro/`, inlined so they
//! take their colours from the stylesheet (light and dark) and need no
//! asset lookup at run time.

const STEPS: [&str; 5] = [
    include_str!("../../assets/intro/step1-invoices.svg"),
    include_str!("../../assets/intro/step2-receipts.svg"),
    include_str!("../../assets/intro/step3-pin.svg"),
    include_str!("../../assets/intro/step4-two-factor.svg"),
    include_str!("../../assets/intro/step5-companies.svg"),
];

/// The SVG markup of intro step `step` (0..=4; larger values clamp).
pub fn intro_svg(step: u8) -> &'static str {
    STEPS[usize::from(step).min(STEPS.len() - 1)]
}
