#!/bin/sh
# The widths × steps grid of docs/sampler.md: one row of ten classes (0…9) per configuration,
# seed 1, the default guidance (3), release build.   swift build -c release --product flexgen && docs/images/fashion/make-grid.sh
set -eu
cd "$(dirname "$0")/../../.."
for w in 0.25 0.5 0.75 1; do
  for s in 2 5 10 20; do
    .build/release/flexgen sample --model fashion --width $w --steps $s --count 10 --label 0,1,2,3,4,5,6,7,8,9 \
      --seed 1 --scale 1 -o docs/images/fashion/w$w-s$s.png
  done
done
