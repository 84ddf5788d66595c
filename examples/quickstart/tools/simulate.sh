#!/usr/bin/env bash
# Plays the quickstart's story by hand, the way Steward's local provider would, with the
# environment of docs/local-provider.md: span-1 from data/ → train → a drifted batch fails
# the Evaluation → span-2 from that batch → retrain on spans 1,2 → the next drifted batch
# passes. It checks the example's data and code, not Steward: no Steward binary is used.
#
#   tools/simulate.sh [WORK_DIR]        (default: a new temporary folder)
#
# Needs python3 only. Exits 1 if the story does not hold.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
storage=$work/storage
threshold=$(sed -n 's/^ *threshold: *\([0-9.]*\).*/\1/p' "$here/manifests/quickstart.yaml")
split_salt=${SPLIT_SALT:-}

# Module copy: gs://quickstart/modules/<tree id>/ (a content hash stands in for the tree id).
modules_id=$(cat "$here"/training_pipeline/models/*.py | sha1sum | cut -c1-12)
modules_dir=$storage/quickstart/modules/$modules_id
mkdir -p "$modules_dir"
cp "$here"/training_pipeline/models/*.py "$modules_dir/"

# Image: the image context without the modules folder.
image_dir=$work/images/quickstart-image
rm -rf "$image_dir" && mkdir -p "$(dirname "$image_dir")"
cp -R "$here/training_pipeline" "$image_dir"
rm -rf "$image_dir/models" "$image_dir/__pycache__"

dataset_root=$storage/quickstart/data

# span-N from a folder with train/ and test/, with Steward's markers.
write_span() { # N SOURCE
  local span=$dataset_root/span-$1
  mkdir -p "$span" && : > "$span/_STEWARD_IN_PROGRESS"
  cp -R "$2/train" "$2/test" "$span/"
  : > "$span/_SUCCESS"
}

# A pipeline run: train.py in the image folder with the run's environment.
run_pipeline() { # RUN_ID SPANS
  local out=$storage/quickstart/pipeline-root/$1
  (cd "$image_dir" && env -i PATH="$PATH" \
    STEWARD_RUN_ID="$1" STEWARD_PIPELINE=quickstart-training STEWARD_IMAGE="quickstart-training:sim" \
    STEWARD_STORAGE_ROOT="$storage" STEWARD_PIPELINE_ROOT="$storage/quickstart/pipeline-root" \
    STEWARD_OUTPUT_DIR="$out" STEWARD_MODEL_DIR="$out/trainer/model" STEWARD_BLESSING_DIR="$out/trainer/blessing" \
    STEWARD_MODULES_DIR="$modules_dir" STEWARD_DATASET_ROOT="$dataset_root" STEWARD_SPANS="$2" \
    STEWARD_PARAMETERS="{\"spans\": \"$2\", \"k\": 5, \"min_accuracy\": 0.8}" \
    STEWARD_PARAM_SPANS="$2" STEWARD_PARAM_K=5 STEWARD_PARAM_MIN_ACCURACY=0.8 \
    python3 train.py) | sed "s/^/  [$1] /"
  test -f "$out/trainer/blessing/BLESSED" || { echo "  [$1] run not blessed" >&2; exit 1; }
}

# A batch prediction of MODEL_RUN's model on BATCH, then the accuracy Steward would record.
evaluate() { # JOB_ID MODEL_RUN BATCH_DIR → prints the accuracy
  local job=$work/batch/$1
  mkdir -p "$job"
  find "$3" -name '*.json' -type f | sort > "$job/instances.txt"
  (cd "$image_dir" && env -i PATH="$PATH" \
    STEWARD_JOB_ID="$1" STEWARD_MODEL_DIR="$storage/quickstart/pipeline-root/$2/trainer/model" \
    STEWARD_MODULES_DIR="$modules_dir" STEWARD_INSTANCES_FILE="$job/instances.txt" \
    STEWARD_OUTPUT_DIR="$job/output" STEWARD_STORAGE_ROOT="$storage" \
    python3 predict.py) >&2
  python3 - "$job/output" <<'PY'
import glob, json, os, sys
lines = [json.loads(l) for f in sorted(glob.glob(os.path.join(sys.argv[1], "prediction.results-*"))) for l in open(f)]
ok = sum("prediction" in l and l["prediction"]["label"] == os.path.basename(l["instance"]).split("_", 1)[0] for l in lines)
print(f"{ok / len(lines):.3f}")
PY
}

# span N+1 from a batch: a deterministic 80/20 split of its files, copied as they are.
split_batch() { # BATCH_DIR OUT_DIR
  python3 - "$1" "$2" "$split_salt" <<'PY'
import hashlib, os, shutil, sys
src, dst, salt = sys.argv[1:]
names = sorted(n for n in os.listdir(src) if n.endswith(".json"))
names.sort(key=lambda n: hashlib.sha256((salt + n).encode()).hexdigest())
cut = round(len(names) * 0.8)
for split, part in (("train", names[:cut]), ("test", names[cut:])):
    os.makedirs(os.path.join(dst, split), exist_ok=True)
    for n in part:
        shutil.copy(os.path.join(src, n), os.path.join(dst, split, n))
print(f"  split {len(names)} samples: {cut} train, {len(names) - cut} test", file=sys.stderr)
PY
}

collection=$storage/quickstart/collection
echo "work folder: $work (threshold $threshold)"
echo "1. span-1 from data/, train on spans 1"
write_span 1 "$here/data"
run_pipeline run-1 1
echo "2. batch 2026-01 (drift 1, seed 1): evaluate run-1's model"
python3 "$here/tools/make_batch.py" "$collection/2026-01" --drift 1 --seed 1 >&2
acc1=$(evaluate eval-1 run-1 "$collection/2026-01")
echo "  accuracy $acc1"
echo "3. below $threshold: span-2 from batch 2026-01, retrain on spans 1,2"
split_batch "$collection/2026-01" "$work/new-span"
write_span 2 "$work/new-span"
run_pipeline run-2 1,2
echo "4. batch 2026-02 (drift 1, seed 2): evaluate run-2's model"
python3 "$here/tools/make_batch.py" "$collection/2026-02" --drift 1 --seed 2 >&2
acc2=$(evaluate eval-2 run-2 "$collection/2026-02")
echo "  accuracy $acc2"
ref_old=$(evaluate ref-old run-1 "$collection/2026-02")
python3 "$here/tools/make_batch.py" "$work/undrifted" --drift 0 --seed 3 >&2
ref_undrifted=$(evaluate ref-undrifted run-2 "$work/undrifted")
echo "  for reference: run-1's model on 2026-02 $ref_old; run-2's model on undrifted samples $ref_undrifted"

python3 - "$acc1" "$acc2" "$threshold" <<'PY'
import sys
a1, a2, t = map(float, sys.argv[1:])
ok = a1 < t <= a2
print(f"{'ok' if ok else 'FAILED'}: batch 1 {a1:.3f} < {t} <= batch 2 {a2:.3f}")
sys.exit(0 if ok else 1)
PY
