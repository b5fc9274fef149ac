#!/usr/bin/env bash
# Checks that every 64-bit native library in Android packages is aligned for
# 16 KB memory pages, as Google Play requires of apps for Android 15+: each
# ELF LOAD segment's alignment must be at least 0x4000 (16384).
#
#   bash mobile/android/check-page-size.sh target/dist/android/*.apk target/dist/android/*.aab
#
# Looks at lib/arm64-v8a/*.so and lib/x86_64/*.so (APK) and
# base/lib/<abi>/*.so (AAB). Fails when an archive has no such library at
# all (nothing checked is not a pass). Needs unzip and llvm-readelf
# ($READELF, else the NDK's in $ANDROID_NDK_HOME, else the one on PATH).
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 PACKAGE.apk|.aab..." >&2; exit 2; }
readelf="${READELF:-}"
if [ -z "$readelf" ] && [ -n "${ANDROID_NDK_HOME:-}" ]; then
  readelf="$(ls "$ANDROID_NDK_HOME"/toolchains/llvm/prebuilt/*/bin/llvm-readelf 2>/dev/null | head -1 || true)"
fi
readelf="${readelf:-llvm-readelf}"
command -v "$readelf" >/dev/null || { echo "check-page-size: no llvm-readelf (set READELF or ANDROID_NDK_HOME)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
bad=0
for pkg in "$@"; do
  libs="$(unzip -Z1 "$pkg" | grep -E '^(base/)?lib/(arm64-v8a|x86_64)/[^/]+\.so$' || true)"
  if [ -z "$libs" ]; then
    echo "check-page-size: FAIL $pkg has no 64-bit native library (lib/arm64-v8a or lib/x86_64)"
    bad=1; continue
  fi
  while IFS= read -r lib; do
    rm -rf "$work/x"; mkdir -p "$work/x"
    unzip -q -o "$pkg" "$lib" -d "$work/x"
    # Program headers: "LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align";
    # Flg may be "R E" (two words), so the alignment is the last field.
    aligns="$("$readelf" -lW "$work/x/$lib" | awk '$1 == "LOAD" { print $NF }')"
    [ -n "$aligns" ] || { echo "check-page-size: FAIL $pkg!$lib: no LOAD segments read"; bad=1; continue; }
    small=""
    for a in $aligns; do
      [ $((a)) -ge 16384 ] || small="$small $a"
    done
    if [ -n "$small" ]; then
      echo "check-page-size: FAIL $pkg!$lib: LOAD alignment$small < 0x4000 (link with -Wl,-z,max-page-size=16384 or NDK r28+)"
      bad=1
    else
      echo "check-page-size: ok   $pkg!$lib: LOAD alignment $(echo $aligns | tr ' ' ',')"
    fi
  done <<<"$libs"
done
exit "$bad"
