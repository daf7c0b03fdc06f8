#!/usr/bin/env bash
# Everything a lent GPU should check, in one call, sized for a lease of 15 minutes of device
# time (machine start-up included): the `gpu` tests, the kernel and training benchmarks (which
# rewrite their sections of bench/RESULTS.md), then every lesson with --device cuda --quick.
# Through the device tool:
#
#     run(command="bash bench/gpu_session.sh", timeout_s=590)
#
# then copy the RESULTS.md it brings back over bench/RESULTS.md. Logs and the new RESULTS.md
# land in $OUT (the folder the device tool brings back: six files, under its limit of eight), or
# in gpu_session/ when OUT is unset; the lessons' plots go to /tmp.
# Each step has its own time limit, so a step that hangs leaves the later ones their time;
# the summary printed last is the end of the output tail the tool's reply carries.
set -uo pipefail
out=${OUT:-gpu_session}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
summary=()

step() {  # step NAME SECONDS COMMAND...: run COMMAND for at most SECONDS, log to $out/NAME.log
    local name=$1 limit=$2
    shift 2
    echo "== $name (at most ${limit}s): $*"
    local start=$SECONDS
    timeout "$limit" "$@" 2>&1 | tee "$out/$name.log"
    summary+=("$name: exit ${PIPESTATUS[0]} after $((SECONDS - start))s")
}

# pytest-timeout stops one hung test instead of the whole step, where it is installed
per_test_limit=()
python3 -c "import pytest_timeout" 2>/dev/null && per_test_limit=(--timeout 120)

step environment 30 bash -c 'nvidia-smi; python3 -c "
import cupy, numba, numpy
print(\"cupy\", cupy.__version__, \"numba\", numba.__version__, \"numpy\", numpy.__version__)
import numba.cuda; print(\"numba sees\", numba.cuda.get_current_device().name)
import torch; print(\"torch\", torch.__version__, torch.cuda.get_device_name(0))
"'
step gpu_tests 150 python3 -m pytest -m gpu -q -p no:cacheprovider "${per_test_limit[@]}"
step gpu_kernels 200 python3 -m bench.gpu_kernels
step gpu_training 120 python3 -m bench.gpu_training
step lessons_cuda 90 python3 -m lessons --device cuda --quick --out /tmp/lesson_plots
cp bench/RESULTS.md "$out/RESULTS.md"
echo
printf '%s\n' "${summary[@]}"
