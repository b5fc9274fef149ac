#!/usr/bin/env bash
# Renders every app icon the stores and launchers need from ONE source image,
# assets/icon.svg, into assets/icons/ (PNG, committed). Needs ImageMagick's
# `convert` (scripts/setup.sh installs it). Run again after editing the SVG.
#
#   assets/icons/android/mipmap-<density>/ic_launcher.png  48 72 96 144 192 px
#       (rounded square with transparent corners: the legacy launcher icon)
#   assets/icons/android/mipmap-<density>/ic_launcher_foreground.png  108 162
#       216 324 432 px: the white "H" alone on a 108 dp transparent canvas, the
#       foreground layer of the adaptive icon (API 26+; the background layer is
#       the flat blue in mobile/android/res/drawable/ic_launcher_background.xml)
#   assets/icons/android/play-store-512.png                512 px, full square
#   assets/icons/ios/AppIcon.appiconset/icon-<N>.png       20 … 1024 px, full
#       square, no alpha channel (App Store Connect rejects the 1024 px icon
#       with one; iOS applies its own corner mask), plus Contents.json for an
#       Xcode asset catalog
#   assets/icons/icon-<N>.png                              32 128 256 512 px for
#       dx's desktop bundles ([bundle] icon in Dioxus.toml)
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=assets/icon.svg
OUT=assets/icons
command -v convert >/dev/null || { echo "icons.sh: ImageMagick 'convert' is missing (apt-get install imagemagick)" >&2; exit 1; }
# The square's colour, used to fill the transparent corners for full-bleed icons.
BG="#0d4f8b"

# render SIZE OUTFILE [full]: rasterises the SVG at a density high enough for
# SIZE, then downsamples (sharper edges than rendering at SIZE directly).
# -strip drops timestamps and other metadata so re-runs give identical files.
render() {
  local size=$1 out=$2 mode=${3:-rounded}
  local density=$(( (size * 72 + 1023) / 1024 * 2 ))
  [ "$density" -lt 72 ] && density=72
  mkdir -p "$(dirname "$out")"
  if [ "$mode" = full ]; then
    convert -density "$density" -background none "$SRC" \
      -background "$BG" -flatten -alpha off -resize "${size}x${size}" -strip -define png:exclude-chunks=date,time \
      "PNG24:$out"
  else
    convert -density "$density" -background none "$SRC" -resize "${size}x${size}" \
      -strip -define png:exclude-chunks=date,time "PNG32:$out"
  fi
}

rm -rf "$OUT"
# Android launcher (mipmap) densities: mdpi hdpi xhdpi xxhdpi xxxhdpi.
for pair in mdpi:48 hdpi:72 xhdpi:96 xxhdpi:144 xxxhdpi:192; do
  render "${pair#*:}" "$OUT/android/mipmap-${pair%%:*}/ic_launcher.png"
done
# Adaptive-icon foreground: the source without its blue square (only the white
# "H" stays), its 1024 px square scaled to the 72 dp visible part of the
# 108 dp layer, so the letter sits well inside the 66 dp safe zone.
for pair in mdpi:108 hdpi:162 xhdpi:216 xxhdpi:324 xxxhdpi:432; do
  size=${pair#*:}; inner=$(( size * 72 / 108 ))
  out="$OUT/android/mipmap-${pair%%:*}/ic_launcher_foreground.png"
  # Opacity from brightness: the blue becomes fully transparent, the white
  # "H" opaque, its anti-aliased edge in between (no blue fringe).
  convert -density 144 -background "$BG" "$SRC" -flatten -resize "${inner}x${inner}" \
    -colorspace Gray -level 30%,100% \( +clone -fill white -colorize 100 \) +swap \
    -alpha off -compose CopyOpacity -composite -colorspace sRGB \
    -gravity center -background none -compose Over -extent "${size}x${size}" \
    -strip -define png:exclude-chunks=date,time "PNG32:$out"
done
render 512 "$OUT/android/play-store-512.png" full

# iOS: every pixel size an iPhone/iPad app icon set uses, 20 … 1024.
IOS="$OUT/ios/AppIcon.appiconset"
for size in 20 29 40 58 60 76 80 87 120 152 167 180 1024; do
  render "$size" "$IOS/icon-$size.png" full
done
# idiom size scale -> file
entries=(
  "iphone 20x20 2x 40" "iphone 20x20 3x 60" "iphone 29x29 2x 58" "iphone 29x29 3x 87"
  "iphone 40x40 2x 80" "iphone 40x40 3x 120" "iphone 60x60 2x 120" "iphone 60x60 3x 180"
  "ipad 20x20 1x 20" "ipad 20x20 2x 40" "ipad 29x29 1x 29" "ipad 29x29 2x 58"
  "ipad 40x40 1x 40" "ipad 40x40 2x 80" "ipad 76x76 1x 76" "ipad 76x76 2x 152"
  "ipad 83.5x83.5 2x 167" "ios-marketing 1024x1024 1x 1024"
)
{
  echo '{'
  echo '  "images" : ['
  n=${#entries[@]}; i=0
  for e in "${entries[@]}"; do
    read -r idiom size scale px <<<"$e"
    i=$((i + 1)); sep=","; [ "$i" = "$n" ] && sep=""
    printf '    { "filename" : "icon-%s.png", "idiom" : "%s", "scale" : "%s", "size" : "%s" }%s\n' \
      "$px" "$idiom" "$scale" "$size" "$sep"
  done
  echo '  ],'
  echo '  "info" : { "author" : "scripts/icons.sh", "version" : 1 }'
  echo '}'
} >"$IOS/Contents.json"

# Desktop bundles (dx bundle for Linux/macOS/Windows reads [bundle] icon).
for size in 32 128 256 512; do
  render "$size" "$OUT/icon-$size.png"
done

# Check every size came out as asked.
bad=0
while IFS= read -r f; do
  want=$(basename "$f" .png); want=${want##*-}
  case "$f" in
    */mipmap-mdpi/ic_launcher.png) want=48 ;; */mipmap-hdpi/ic_launcher.png) want=72 ;;
    */mipmap-xhdpi/ic_launcher.png) want=96 ;; */mipmap-xxhdpi/ic_launcher.png) want=144 ;;
    */mipmap-xxxhdpi/ic_launcher.png) want=192 ;;
    */mipmap-mdpi/*) want=108 ;; */mipmap-hdpi/*) want=162 ;; */mipmap-xhdpi/*) want=216 ;;
    */mipmap-xxhdpi/*) want=324 ;; */mipmap-xxxhdpi/*) want=432 ;;
  esac
  got=$(identify -format '%wx%h' "$f")
  [ "$got" = "${want}x${want}" ] || { echo "icons.sh: $f is $got, expected ${want}x${want}" >&2; bad=1; }
done < <(find "$OUT" -name '*.png' | sort)
[ "$bad" = 0 ]
echo "icons.sh: $(find "$OUT" -name '*.png' | wc -l) PNGs in $OUT ($(du -sh "$OUT" | cut -f1)) from $SRC"
