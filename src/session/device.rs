//! What the app tells the server about the device at login.

/// Sent with `POST /v1/login` so the user (and an admin) can tell device
/// sessions apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// A human name, e.g. "Heeros Mobile on android".
    pub device_name: String,
    /// "android", "ios", "linux", ...
    pub platform: String,
}

impl DeviceInfo {
    pub fn new(device_name: impl Into<String>, platform: impl Into<String>) -> DeviceInfo {
        DeviceInfo {
            device_name: device_name.into(),
            platform: platform.into(),
        }
    }

    /// A description of the device this runs on, from the build target.
    pub fn current() -> DeviceInfo {
        let platform = std::env::consts::OS;
        DeviceInfo::new(format!("Heeros Mobile on {platform}"), platform)
    }
}
