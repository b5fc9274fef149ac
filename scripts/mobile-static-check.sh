#!/usr/bin/env bash
# Static checks of the phone packaging: everything that can be checked on
# Linux without the Android NDK/SDK, Xcode or cargo (about a second). Each
# check prints what it looked at; any failure makes the exit status 1.
#
#   bash scripts/mobile-static-check.sh
#
# - every XML file under mobile/ (and the plists) is well-formed;
# - AndroidManifest.xml: allowBackup=false, INTERNET the only permission,
#   dx's activity, every configChanges value the app needs;
# - network_security_config.xml: no cleartext except to 127.0.0.1 exactly;
# - Android resources finish.sh adds (extraction rules, languages, the
#   Android 15 layout opt-out) and the manifest attributes it inserts;
# - iOS: PrivacyInfo.xcprivacy (file-timestamp reason C617.1), the
#   entitlements, and that info-plist.sh/finish.sh write UILaunchScreen,
#   remove UILaunchStoryboardName, set CFBundleSupportedPlatforms iPhoneOS
#   and copy the privacy manifest;
# - Dioxus.toml: iOS 15 minimum, Android min 30 / target 35;
#   IPHONEOS_DEPLOYMENT_TARGET 15.0 in the workflow and mobile-check.sh;
# - .cargo/config.toml: the 16 KB page-size link flag for Android arm64,
#   and nothing that touches the desktop build;
# - .github/workflows/mobile.yml parses and has the release builds, the NDK
#   r28+, the alignment check, the emulator job (API 30 and 35) that checks
#   screens with uiautomator, and the simulator job (simctl install/launch/
#   screenshot).
# What it cannot prove (no SDKs here): that dx, Gradle or Xcode accept these
# files, or that the packages start. The workflow does that (docs/mobile.md).
# Needs: python3 (3.11+, for tomllib) with PyYAML (Debian: python3-yaml;
# scripts/setup.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian's python3 has python3-yaml; fall back to whatever python3 is first.
PY=python3
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml, tomllib' 2>/dev/null && PY=/usr/bin/python3
"$PY" -c 'import yaml, tomllib' 2>/dev/null || {
  echo "mobile-static-check: needs python3 >= 3.11 with PyYAML (apt-get install python3 python3-yaml; scripts/setup.sh)" >&2; exit 1; }
exec "$PY" - "$@" <<'PYTHON'
import glob
import plistlib
import re
import sys
import time
import tomllib
import xml.etree.ElementTree as ET

import yaml

started = time.monotonic()
failures = []
A = "{http://schemas.android.com/apk/res/android}"


def ok(what):
    print(f"ok    {what}")


def fail(what):
    print(f"FAIL  {what}")
    failures.append(what)


def check(cond, what, why=""):
    if cond:
        ok(what)
    else:
        fail(what + (f": {why}" if why else ""))
    return cond


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# --- 1. Well-formed XML: every mobile/**/*.xml and the plists -------------
xml_files = sorted(glob.glob("mobile/**/*.xml", recursive=True))
plist_files = sorted(
    glob.glob("mobile/**/*.xcprivacy", recursive=True)
    + glob.glob("mobile/**/*.entitlements", recursive=True)
    + glob.glob("mobile/**/*.plist", recursive=True)
)
check(len(xml_files) >= 6, f"found {len(xml_files)} XML files under mobile/", "expected at least 6")
parsed = {}
for path in xml_files + plist_files:
    try:
        parsed[path] = ET.parse(path)
        ok(f"well-formed XML: {path}")
    except ET.ParseError as e:
        fail(f"well-formed XML: {path}: {e}")

# --- 2. AndroidManifest.xml -----------------------------------------------
MANIFEST = "mobile/android/AndroidManifest.xml"
REQUIRED_CONFIG_CHANGES = {
    "orientation", "screenLayout", "screenSize", "smallestScreenSize",
    "keyboard", "keyboardHidden", "navigation", "uiMode", "density",
    "fontScale", "locale", "layoutDirection",
}
if MANIFEST in parsed:
    root = parsed[MANIFEST].getroot()
    app = root.find("application")
    perms = sorted(p.get(A + "name") for p in root.findall("uses-permission"))
    check(perms == ["android.permission.INTERNET"], "manifest: INTERNET is the only permission", f"got {perms}")
    if check(app is not None, "manifest: has <application>"):
        check(app.get(A + "allowBackup") == "false", 'manifest: android:allowBackup="false"', f"got {app.get(A + 'allowBackup')!r}")
        check(app.get(A + "networkSecurityConfig") == "@xml/network_security_config",
              "manifest: networkSecurityConfig=@xml/network_security_config")
        check(app.get(A + "usesCleartextTraffic") in (None, "false"), "manifest: usesCleartextTraffic not true")
        acts = app.findall("activity")
        act = next((a for a in acts if a.get(A + "name") == "dev.dioxus.main.MainActivity"), None)
        if check(act is not None, "manifest: activity dev.dioxus.main.MainActivity (dx 0.7.10's)"):
            have = set((act.get(A + "configChanges") or "").split("|"))
            missing = sorted(REQUIRED_CONFIG_CHANGES - have)
            check(not missing, f"manifest: configChanges has all of {'|'.join(sorted(REQUIRED_CONFIG_CHANGES))}",
                  f"missing {missing}")
            meta = {m.get(A + "name"): m.get(A + "value") for m in act.findall("meta-data")}
            check(meta.get("android.app.lib_name") == "main", "manifest: android.app.lib_name = main")
            check(act.get(A + "exported") == "true", "manifest: launcher activity exported")

# --- 3. network_security_config.xml ----------------------------------------
NSC = "mobile/android/res/xml/network_security_config.xml"
if NSC in parsed:
    root = parsed[NSC].getroot()
    base = root.find("base-config")
    check(base is not None and base.get("cleartextTrafficPermitted") == "false",
          "network config: base-config cleartextTrafficPermitted=false")
    check(root.find("debug-overrides") is None, "network config: no debug-overrides")
    cleartext_domains = []
    for dc in root.iter("domain-config"):
        if dc.get("cleartextTrafficPermitted") == "true":
            for d in dc.findall("domain"):
                cleartext_domains.append(((d.text or "").strip(), d.get("includeSubdomains", "false")))
            check(dc.find("domain-config") is None, "network config: no nested domain-config under a cleartext one")
    check(cleartext_domains == [("127.0.0.1", "false")],
          "network config: cleartext allowed for 127.0.0.1 only (Dioxus's ws://127.0.0.1 edits channel)",
          f"cleartext domains: {cleartext_domains}")
    for el in root.iter():
        if el.get("cleartextTrafficPermitted") == "true" and el.tag != "domain-config":
            fail(f"network config: cleartext allowed on <{el.tag}>")
    ta = [c.get("src") for c in root.iter("certificates")]
    check(ta == ["system"], "network config: trusts the system CAs only", f"got {ta}")

# --- 4. Other Android resources and what finish.sh inserts -----------------
LOC = "mobile/android/res/xml/locales_config.xml"
if LOC in parsed:
    names = sorted(l.get(A + "name") for l in parsed[LOC].getroot().findall("locale"))
    check(names == ["en", "fi", "sv"], "locales_config.xml: en, fi and sv (src/lang.rs)", f"got {names}")
else:
    fail(f"{LOC} exists and is well-formed")
DER = "mobile/android/res/xml/data_extraction_rules.xml"
if DER in parsed:
    root = parsed[DER].getroot()
    check(root.find("cloud-backup") is not None and root.find("device-transfer") is not None
          and not list(root.iter("include")),
          "data_extraction_rules.xml: cloud-backup and device-transfer exclude, include nothing")
else:
    fail(f"{DER} exists and is well-formed")
V35 = "mobile/android/res/values-v35/styles.xml"
if V35 in parsed:
    style = parsed[V35].getroot().find("style[@name='AppTheme']")
    items = {} if style is None else {i.get("name"): (i.text or "").strip() for i in style.findall("item")}
    check(items.get("android:windowOptOutEdgeToEdgeEnforcement") == "true",
          "values-v35/styles.xml: AppTheme opts out of Android 15 edge-to-edge (WebView < 136 passes no insets)")
else:
    fail(f"{V35} exists and is well-formed")
finish_android = read("mobile/android/finish.sh")
for needle, what in [
    ('add_attr dataExtractionRules "@xml/data_extraction_rules"', "adds dataExtractionRules"),
    ('add_attr localeConfig "@xml/locales_config"', "adds localeConfig"),
    ('cp -R "$ROOT/mobile/android/res/." "$RES/"', "copies mobile/android/res over dx's resources"),
    ('suffix="-UNSIGNED"', "names unsigned packages -UNSIGNED"),
    ("assembleDebug", "has the debug (emulator) variant"),
]:
    check(needle in finish_android, f"mobile/android/finish.sh {what}")

# --- 5. iOS: privacy manifest, entitlements, Info.plist fixes --------------
PRIV = "mobile/ios/PrivacyInfo.xcprivacy"
try:
    with open(PRIV, "rb") as f:
        priv = plistlib.load(f)
    ok(f"{PRIV}: a valid property list")
    check(priv.get("NSPrivacyTracking") is False, "privacy manifest: NSPrivacyTracking false")
    check(priv.get("NSPrivacyTrackingDomains") == [], "privacy manifest: no tracking domains")
    check(isinstance(priv.get("NSPrivacyCollectedDataTypes"), list), "privacy manifest: NSPrivacyCollectedDataTypes is an array")
    apis = {d.get("NSPrivacyAccessedAPIType"): d.get("NSPrivacyAccessedAPITypeReasons", [])
            for d in priv.get("NSPrivacyAccessedAPITypes", [])}
    check("C617.1" in apis.get("NSPrivacyAccessedAPICategoryFileTimestamp", []),
          "privacy manifest: FileTimestamp (stat/fstat in Rust std) with reason C617.1 (files in the app container)")
    bad = [r for rs in apis.values() for r in rs if not re.fullmatch(r"[0-9A-F]{4}\.[0-9]", r)]
    check(not bad, "privacy manifest: every reason code looks like XXXX.N", f"odd: {bad}")
    known = {"FileTimestamp", "SystemBootTime", "DiskSpace", "ActiveKeyboards", "UserDefaults"}
    odd = [k for k in apis if k.removeprefix("NSPrivacyAccessedAPICategory") not in known]
    check(not odd, "privacy manifest: only Apple's five API categories", f"odd: {odd}")
except (OSError, plistlib.InvalidFileException, ValueError) as e:
    fail(f"{PRIV}: valid property list ({e})")
ENT = "mobile/ios/HeerosMobile.entitlements"
try:
    with open(ENT, "rb") as f:
        ent = plistlib.load(f)
    check(ent.get("keychain-access-groups") == ["$(AppIdentifierPrefix)$(BundleIdentifier)"],
          f"{ENT}: one keychain access group <Team ID>.<bundle id>")
    check(ent.get("get-task-allow") is False, f"{ENT}: get-task-allow false")
except (OSError, plistlib.InvalidFileException, ValueError) as e:
    fail(f"{ENT}: valid property list ({e})")
info_plist_sh = read("mobile/ios/info-plist.sh")
for needle, what in [
    ("plutil -replace UILaunchScreen -xml '<dict/>'", "sets UILaunchScreen (a dict)"),
    ("plutil -remove UILaunchStoryboardName", "removes UILaunchStoryboardName"),
    ("CFBundleSupportedPlatforms -xml \"<array><string>$platform</string></array>\"", "sets CFBundleSupportedPlatforms"),
    ("iphoneos) platform=iPhoneOS", "uses iPhoneOS for device builds"),
    ("mobile/ios/PrivacyInfo.xcprivacy\" \"$APP/PrivacyInfo.xcprivacy\"", "copies PrivacyInfo.xcprivacy into the app"),
    ("CFBundleLocalizations -xml '<array><string>en</string><string>fi</string><string>sv</string></array>'", "declares the languages en, fi, sv"),
]:
    check(needle in info_plist_sh, f"mobile/ios/info-plist.sh {what}")
finish_ios = read("mobile/ios/finish.sh")
check('bash "$ROOT/mobile/ios/info-plist.sh" "$APP" iphoneos' in finish_ios,
      "mobile/ios/finish.sh runs info-plist.sh before signing")
check(finish_ios.index("info-plist.sh\" \"$APP\"") < finish_ios.index("codesign --force --sign \"$HEEROS_IOS_SIGN_IDENTITY\" --entitlements"),
      "mobile/ios/finish.sh: privacy manifest in place before codesign seals the app")

# --- 6. Dioxus.toml and the iOS minimum everywhere -------------------------
with open("Dioxus.toml", "rb") as f:
    dx = tomllib.load(f)
ios = dx.get("ios", {})
check(ios.get("deployment_target") == "15.0", "Dioxus.toml [ios] deployment_target = 15.0", f"got {ios.get('deployment_target')!r}")
check(ios.get("plist", {}).get("MinimumOSVersion") == "15.0", "Dioxus.toml [ios.plist] MinimumOSVersion = 15.0")
check("UILaunchStoryboardName" not in ios.get("plist", {}), "Dioxus.toml [ios.plist] does not name a launch storyboard")
android = dx.get("android", {})
check(android.get("target_sdk") == 35, "Dioxus.toml [android] target_sdk = 35 (Google Play)", f"got {android.get('target_sdk')!r}")
check(android.get("compile_sdk", 0) >= 35, "Dioxus.toml [android] compile_sdk >= 35")
check(android.get("min_sdk") == 30 == dx.get("application", {}).get("android_min_sdk_version"),
      "Dioxus.toml min_sdk = android_min_sdk_version = 30")
check(dx.get("application", {}).get("android_manifest") == MANIFEST, f"Dioxus.toml android_manifest = {MANIFEST}")
check(dx.get("bundle", {}).get("identifier") == "fi.heeros.mobile", "Dioxus.toml [bundle] identifier = fi.heeros.mobile")
mc = read("scripts/mobile-check.sh")
check(re.search(r"^IOS_MIN=15\.0\b", mc, re.M) is not None, "scripts/mobile-check.sh IOS_MIN=15.0")

# --- 7. .cargo/config.toml: 16 KB pages for Android, nothing for the desktop
try:
    with open(".cargo/config.toml", "rb") as f:
        cargo = tomllib.load(f)
    flags = cargo.get("target", {}).get("aarch64-linux-android", {}).get("rustflags", [])
    joined = " ".join(flags)
    check("link-arg=-Wl,-z,max-page-size=16384" in joined.replace("-C ", "-C").replace("-Clink", "link"),
          ".cargo/config.toml: aarch64-linux-android links with -z max-page-size=16384", f"rustflags {flags}")
    check(set(cargo) <= {"target"}, ".cargo/config.toml: only [target.*] tables (no [build] etc. touching the desktop build)",
          f"top-level keys {sorted(cargo)}")
    others = [t for t in cargo.get("target", {}) if not t.endswith("-linux-android")]
    check(not others, ".cargo/config.toml: only Android targets configured", f"also {others}")
except (OSError, tomllib.TOMLDecodeError) as e:
    fail(f".cargo/config.toml readable ({e})")

# --- 8. The workflow ---------------------------------------------------------
WF = ".github/workflows/mobile.yml"
wf_text = read(WF)
try:
    wf = yaml.safe_load(wf_text)
    ok(f"{WF}: valid YAML")
except yaml.YAMLError as e:
    wf = None
    fail(f"{WF}: valid YAML ({e})")
if wf:
    jobs = wf.get("jobs", {})

    def steps_text(job):
        return "\n".join(
            f"{s.get('uses', '')} {s.get('run', '')} {yaml.safe_dump(s.get('with', {}))}"
            for s in jobs.get(job, {}).get("steps", [])
        )

    for job in ["check", "android", "android-emulator-build", "android-emulator", "ios", "ios-simulator"]:
        check(job in jobs, f"workflow: job '{job}'")
    env = wf.get("env", {})
    ndk = str(env.get("NDK_VERSION", ""))
    check(re.match(r"(2[89]|[3-9]\d)\.", ndk) is not None, f"workflow: NDK r28 or newer (NDK_VERSION {ndk})")
    check(str(env.get("IPHONEOS_DEPLOYMENT_TARGET")) == "15.0", "workflow: IPHONEOS_DEPLOYMENT_TARGET 15.0")
    check("13.0" not in wf_text, "workflow: no iOS 13 left")
    check("scripts/mobile-static-check.sh" in steps_text("check"), "workflow: check job runs these static checks")
    a = steps_text("android")
    check("check-page-size.sh" in a and ".apk" in a and ".aab" in a,
          "workflow: android job checks LOAD alignment (0x4000) of the APK and AAB libraries")
    check("UNSIGNED" in a and "exit 1" in a, "workflow: android job names and refuses unsigned packages")
    emu = jobs.get("android-emulator", {})
    levels = sorted(emu.get("strategy", {}).get("matrix", {}).get("api-level", []))
    check(levels == [30, 35], "workflow: emulator matrix API 30 and 35", f"got {levels}")
    e = steps_text("android-emulator")
    check("reactivecircus/android-emulator-runner" in e, "workflow: emulator job uses android-emulator-runner")
    check("emulator-journey.sh" in e, "workflow: emulator job runs mobile/android/emulator-journey.sh")
    check("heeros-server demo" in e and "serve --bind 127.0.0.1:8080" in e, "workflow: emulator job starts heeros-server demo + serve")
    check("upload-artifact" in e, "workflow: emulator job uploads its screenshots")
    check("HEEROS_ANDROID_VARIANT: debug" in yaml.safe_dump(jobs.get("android-emulator-build", {})),
          "workflow: emulator APK built with finish.sh's debug variant (same resources)")
    s = steps_text("ios-simulator")
    for needle in ["simctl install", "simctl launch", "simctl io", "screen-text", "aarch64-apple-ios-sim", "upload-artifact"]:
        check(needle in s, f"workflow: ios-simulator job has '{needle}'")
    check("privacy-scan.sh" in steps_text("ios"), "workflow: ios job scans the binary for required-reason APIs")
    journey = read("mobile/android/emulator-journey.sh")
    for text in ["Purchase invoices in your pocket", "Skip", "Login to Heeros Mobile", "Define your PIN code", "Welcome, Matti"]:
        check(f'"{text}"' in journey, f"emulator-journey.sh expects '{text}'")
    i18n = read("src/i18n/en.rs")
    for text in ["Purchase invoices in your pocket", "Login to Heeros Mobile", "Define your PIN code", "Welcome, {name}", "\"Skip\""]:
        check(text in i18n, f"src/i18n/en.rs still says {text} (what the journey waits for)")

took = time.monotonic() - started
if failures:
    print(f"mobile-static-check: {len(failures)} FAILED ({took:.1f}s)")
    sys.exit(1)
print(f"mobile-static-check: all passed ({took:.1f}s). Not proven here: that dx/Gradle/Xcode accept these files and the apps start (the workflow's jobs).")
PYTHON
