#!/bin/sh
# Swift vs PyTorch CPU time for the same Fashion-MNIST sampling job, in one run, one thread each
# (the machine is shared; one thread keeps the two comparable), plus the sgemm peak of this machine.
#   swift build -c release --product flexgen && benchmarks/fashion/speed.sh [width] [steps] [count]
# Needs PyTorch (training/requirements.txt) for the second half.
set -eu
WIDTH=${1:-1}; STEPS=${2:-10}; COUNT=${3:-100}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
cd "$(dirname "$0")/../.."
for i in 1 2 3; do
  .build/release/flexgen sample --model fashion --width "$WIDTH" --steps "$STEPS" --count "$COUNT" -o /tmp/flexgen-speed.png $( [ $i = 3 ] && echo --sgemm-peak )
done
python3 training/bench_torch.py --width "$WIDTH" --steps "$STEPS" --count "$COUNT" --threads 1 --repeats 3
uptime
