#!/usr/bin/env python3
"""Writes models/model-compatibility.json from models/trained/*.json (run from the package root).

One entry per trained model: its penalty as `type`, its direction, and `filename` relative to models/.
Platforms are those of ../shared/data/model-compatibility-artifact.json for the models it names (fom,
duration), else the images of the aws-performance-study experiment artifact
(experiment/eks/cpu/models/compatibility-artifact.json), which uses the same two for every model.
"""

import glob
import json
import os

EXPERIMENT_PLATFORMS = {
    "arm64": "ghcr.io/converged-computing/hpcg-matrix:neoverse-v2-O2-arm",
    "amd64": "ghcr.io/converged-computing/hpcg-matrix:znver3-Ofast",
}


def main():
    with open("../shared/data/model-compatibility-artifact.json") as f:
        shared = json.load(f)
    shared_platforms = {}
    for entry in shared["compatibilities"]:
        model = entry["rules"][0]["matchModel"]["model"]
        shared_platforms[model["name"]] = model["platforms"]
    names = sorted(os.path.basename(path)[:-5] for path in glob.glob("models/trained/*.json"))
    names = [n for n in ("fom", "duration") if n in names] + [n for n in names if n not in ("fom", "duration")]
    entries = []
    for name in names:
        with open("models/trained/%s.json" % name) as f:
            model = json.load(f)
        entries.append({
            "tag": name,
            "description": "Selection driven by the trained performance model trained/%s.json: %s." % (name, model["target_description"]),
            "rules": [{"matchModel": {"model": {
                "type": model["provenance"]["regression"]["penalty"],
                "platforms": shared_platforms.get(name, EXPERIMENT_PLATFORMS),
                "direction": model["direction"],
                "name": name,
                "filename": "trained/%s.json" % name,
            }}}],
        })
    # The published fom_per_dollar model, with the platforms the shared artifact gives it. Its training
    # CSV is byte-identical to fom's, so it ranks instances by figure of merit, not per dollar.
    entries.append({
        "tag": "fom_per_dollar",
        "description": "Selection driven by the published model published/fom_per_dollar.json (trained on data identical to fom's, so it ranks by figure of merit).",
        "rules": [{"matchModel": {"model": dict(shared_platforms_entry(shared, "fom_per_dollar"), filename="published/fom_per_dollar.json")}}],
    })
    # The baseline of the aws-performance-study experiment: a uniformly random instance, with fom's images
    # so that model-vs-random compares instance choice alone.
    entries.append({
        "tag": "random",
        "description": "Baseline: a uniformly random instance type (no model file), with the fom entry's images.",
        "rules": [{"matchModel": {"model": {
            "platforms": shared_platforms["fom"], "direction": "random", "name": "random",
        }}}],
    })
    with open("models/model-compatibility.json", "w") as f:
        json.dump({"version": "v1alpha1", "compatibilities": entries}, f, indent=4)
        f.write("\n")


def shared_platforms_entry(shared, name):
    for entry in shared["compatibilities"]:
        model = entry["rules"][0]["matchModel"]["model"]
        if model["name"] == name:
            return dict(model)
    raise SystemExit("no %s entry in ../shared/data/model-compatibility-artifact.json" % name)


if __name__ == "__main__":
    main()
