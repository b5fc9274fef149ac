#!/usr/bin/env python3
"""Reads an `adb shell uiautomator dump` file (used by emulator-journey.sh).

  ui.py texts DUMP            every text / content-desc on screen, one a line
  ui.py has DUMP TEXT...      exit 0 when every TEXT is on screen (a node's
                              text or content-desc equals it, whitespace
                              normalised), else 1
  ui.py tap DUMP TEXT         "X Y": centre of the first node showing TEXT
  ui.py field DUMP N          "X Y": centre of the N-th (1-based) text field
                              (android.widget.EditText) in document order

The WebView's page appears in the dump through Chromium's accessibility
tree: headings and paragraphs as android.view.View nodes with text, buttons
as android.widget.Button, <input>s as android.widget.EditText.
"""
import re
import sys
import xml.etree.ElementTree as ET


def norm(s):
    return re.sub(r"\s+", " ", s or "").strip()


def nodes(path):
    return list(ET.parse(path).getroot().iter("node"))


def shown(node):
    return [t for t in (norm(node.get("text")), norm(node.get("content-desc"))) if t]


def centre(node):
    m = re.match(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]", node.get("bounds", ""))
    if not m:
        return None
    x1, y1, x2, y2 = map(int, m.groups())
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1 + x2) // 2, (y1 + y2) // 2


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path, args = argv[1], argv[2], argv[3:]
    all_nodes = nodes(path)
    if cmd == "texts":
        for n in all_nodes:
            for t in shown(n):
                print(t)
        return 0
    if cmd == "has":
        on_screen = {t for n in all_nodes for t in shown(n)}
        missing = [a for a in args if norm(a) not in on_screen]
        for a in missing:
            print(f"not on screen: {a!r}", file=sys.stderr)
        return 1 if missing else 0
    if cmd == "tap":
        want = norm(args[0])
        for n in all_nodes:
            if want in shown(n) and centre(n):
                print(*centre(n))
                return 0
        print(f"no node shows {want!r}", file=sys.stderr)
        return 1
    if cmd == "field":
        fields = [n for n in all_nodes if n.get("class") == "android.widget.EditText" and centre(n)]
        k = int(args[0])
        if len(fields) < k:
            print(f"only {len(fields)} text fields on screen, wanted #{k}", file=sys.stderr)
            return 1
        print(*centre(fields[k - 1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
