#!/usr/bin/env bash
# The main job on its embedded default: the lammps-matrix experiment (all five selection modes, 25 runs
# each) and the HPCG model-vs-random experiment (30 runs each), as clients of a webhook the runner starts
# on 127.0.0.1, on the embedded simulated cluster. Results, charts and logs go to out/.
set -euo pipefail
bin="$1"
"$bin/compat-run" --mode all --iters 25 --seed 1 --outdir out/lammps
"$bin/compat-run" --model fom --model random --iters 30 --seed 1 --outdir out/hpcg
