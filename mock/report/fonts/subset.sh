#!/usr/bin/env bash
# Regenerates droid-sans-fallback-gb2312.ttf, the CJK font the usage PDF
# embeds for Chinese labels and task names. Not run by the build or CI: the
# subset is committed. Needs Debian's fonts-droid-fallback and fonttools:
#   apt-get install -y fonts-droid-fallback fonttools
# The subset keeps the 6763 hanzi of GB2312 (levels 1 and 2), CJK and
# full-width punctuation; Droid Sans Fallback has no Latin glyphs, so the
# PDF writes Latin text with Helvetica.
set -euo pipefail
cd "$(dirname "$0")"
src=/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf
chars=$(mktemp)
trap 'rm -f "$chars"' EXIT
/usr/bin/python3 - "$chars" <<'PY'
import sys
out = []
for hi in range(0xB0, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            out.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(out))
PY
pyftsubset "$src" --text-file="$chars" \
  --unicodes="U+3000-303F,U+FF00-FFEF" \
  --no-hinting --drop-tables+=GSUB,GPOS,GDEF,vhea,vmtx \
  --output-file=droid-sans-fallback-gb2312.ttf
