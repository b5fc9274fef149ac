#!/usr/bin/env bash
# Lists the "required reason" APIs (Apple's privacy-manifest rules) that the
# app's executable imports, and fails when one of their categories is not
# declared in mobile/ios/PrivacyInfo.xcprivacy. Run on macOS after dx bundle:
#
#   bash mobile/ios/privacy-scan.sh path/to/HeerosMobile.app/HeerosMobile
#
# Sees C functions and Objective-C classes the binary links to (nm -u), not
# Objective-C methods called by name (e.g. -[NSFileManager
# attributesOfItemAtPath:]); App Store Connect's own scan after an upload
# remains the final word (an ITMS-91053 e-mail names the category).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${1:?usage: privacy-scan.sh path/to/executable}"
MANIFEST=mobile/ios/PrivacyInfo.xcprivacy
declared="$(python3 -c 'import plistlib,sys; [print(d["NSPrivacyAccessedAPIType"]) for d in plistlib.load(open(sys.argv[1],"rb")).get("NSPrivacyAccessedAPITypes",[])]' "$MANIFEST")"
imports="$(xcrun nm -u "$BIN" 2>/dev/null || nm -u "$BIN")"
bad=0
scan() { # CATEGORY SYMBOL...
  local category=$1; shift
  local found=""
  for sym in "$@"; do
    grep -qxE "_${sym}(\\\$INODE64)?" <<<"$imports" && found="$found ${sym}"
  done
  if [ -n "$found" ]; then
    if grep -qx "NSPrivacyAccessedAPICategory$category" <<<"$declared"; then
      echo "privacy-scan: $category: uses$found - declared"
    else
      echo "privacy-scan: FAIL $category: uses$found - NOT declared in $MANIFEST"; bad=1
    fi
  else
    echo "privacy-scan: $category: none imported$(grep -qx "NSPrivacyAccessedAPICategory$category" <<<"$declared" && echo ' (declared anyway)')"
  fi
}
scan FileTimestamp stat fstat lstat fstatat getattrlist getattrlistbulk fgetattrlist getattrlistat
scan SystemBootTime mach_absolute_time
scan DiskSpace statfs fstatfs statvfs fstatvfs
scan UserDefaults 'OBJC_CLASS_\$_NSUserDefaults'
exit "$bad"
