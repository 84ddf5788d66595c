#!/usr/bin/env bash
# The quickstart: makes a git repository of examples/quickstart/ in $QUICKSTART_DIR (a new
# temporary folder when unset) and runs Steward there on the local provider:
#   1. the first plan and apply: span 1, image, modules, training run, model, release, endpoint;
#   2. a module change (copy + run, no build) and 3. an image-context change (build + run);
#   4. a module change that breaks a unit test (the check fails, no run) and 5. its fix;
#   7. drifted data: batch prediction, evaluation below threshold, a new span, retraining on
#      spans 1–2, a release and a canary rollout; 8. a second drifted batch passes on the
#      retrained model, which is promoted and the old one undeployed.
# The repository and its .steward/ stay there.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

echo "Building steward…" >&2
build_log=$(mktemp)
if ! (cd "$here" && swift build --product steward >"$build_log" 2>&1); then
  cat "$build_log" >&2
  exit 1
fi
rm -f "$build_log"
export PATH="$(cd "$here" && swift build --show-bin-path):$PATH"

dir=${QUICKSTART_DIR:-}
if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/steward-quickstart.XXXXXX")
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ -n "$(ls -A "$dir")" ]; then
  echo "quickstart: '$dir' is not empty; set QUICKSTART_DIR to a new or empty folder" >&2
  exit 1
fi

cp -R "$here/examples/quickstart/." "$dir/"
cd "$dir"
git init -q -b main
git config user.name "Quickstart"
git config user.email "quickstart@example.com"
git add -A
git commit -qm "The quickstart ML system"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1. The first plan: span 1 from data/, an image, a module copy and a training run"
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "2. A change to a module only: copy the modules and run again, no image build"
printf '\n# Tuned: ties between neighbours go to the nearer one.\n' >> training_pipeline/models/model.py
git commit -qam "Tune the model module"
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "3. A change to the image context: build a new image and run again"
printf '\n# Prints a summary line at the end of training.\n' >> training_pipeline/train.py
git commit -qam "Touch the training entry point"
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "4. A module change that breaks a unit test: the check fails, the Pipeline stalls, no run starts"
cp training_pipeline/models/model.py "$dir/.model.py.good"
printf '\n\ndef predict(model, point):  # a refactoring that lost the vote\n    return model["classes"][0], 1.0\n' >> training_pipeline/models/model.py
git commit -qam "Simplify predict"
run steward plan
if run steward apply --yes --wait --poll-interval 1s; then
  echo "quickstart: the broken module passed its unit tests" >&2
  exit 1
fi
echo "(exit 1: Pipeline/quickstart-training is Stalled; the failed check is not rerun for this commit)"

step "5. The fix: the checks run again and pass, and the run starts"
mv "$dir/.model.py.good" training_pipeline/models/model.py
printf '\n# predict keeps the vote of the k nearest neighbours.\n' >> training_pipeline/models/model.py
git commit -qam "Fix predict"
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "6. Nothing changed: apply starts nothing"
run steward apply --yes

collection=.steward/local/storage/quickstart/collection

step "7. Drifted data arrives: the serving model is evaluated on it, fails, and Steward retrains on a new span"
run python3 tools/make_batch.py "$collection/2026-01" --drift 1 --seed 1
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "8. A second drifted batch: the retrained canary passes and is promoted"
run python3 tools/make_batch.py "$collection/2026-02" --drift 1 --seed 2
run steward plan
run steward apply --yes --wait --poll-interval 1s

step "Status"
run steward status

echo
echo "The quickstart repository and its .steward/ are in $dir"
