#!/usr/bin/python3
"""What kube-apiserver does with a mutating webhook's answer, for the tests: independent of the project's code.

  apiserver_check.py load OBJECTS_DIR PROJECT_ROOT   -> JSON list of the objects in every *.yaml file (every
      document), with ${PROJECT} and ${HELDOUT} replaced, and the kind's resource.
  apiserver_check.py check CRD_DIR < cases.json      -> JSON list, one entry per case, with the patched object and
      every problem found.

A case is {"name", "object", "response"} (the AdmissionReview's response). The check follows
webhookutil.VerifyAdmissionResponse (uid, allowed, patchType JSONPatch), applies the patch with python-jsonpatch
(Debian's python3-jsonpatch, not the project's implementation), then checks the result as the API server would:
MiniClusters and MPIJobs against their CRD's openAPIV3Schema (python3-jsonschema), Pods against the fields a
webhook may set, and that nothing but the documented fields changed.
"""
import base64
import json
import os
import re
import sys

import jsonpatch
import jsonschema
import yaml

RESOURCES = {
    ("v1", "Pod"): ("", "v1", "pods"),
    ("flux-framework.org/v1alpha2", "MiniCluster"): ("flux-framework.org", "v1alpha2", "miniclusters"),
    ("kubeflow.org/v2beta1", "MPIJob"): ("kubeflow.org", "v2beta1", "mpijobs"),
}

ANNOTATION = r"/metadata/annotations(/oci\.image\.compatibilities\.selection~1selected-image)?"
POD_SPEC = r"(?:/containers|/initContainers|/ephemeralContainers)/\d+/image|/nodeSelector(?:/[^/]+)?"
# The fields the README documents as written by the webhook, per kind (JSON pointers of changed values).
DOCUMENTED = {
    "Pod": re.compile(r"^(?:" + ANNOTATION + r"|/spec(?:" + POD_SPEC + r"))$"),
    "MiniCluster": re.compile(
        r"^(?:" + ANNOTATION + r"|/spec/containers/\d+/image|/spec/containers/\d+/commands(?:/pre)?"
        r"|/spec/flux(?:/container(?:/image)?)?|/spec/pod(?:/nodeSelector(?:/[^/]+)?)?)$"
    ),
    "MPIJob": re.compile(
        r"^(?:" + ANNOTATION + r"|/spec/mpiReplicaSpecs/(?:Launcher|Worker)/template/spec(?:" + POD_SPEC + r"))$"
    ),
}


def load(objects_dir, project):
    out = []
    for name in sorted(os.listdir(objects_dir)):
        if not name.endswith(".yaml"):
            continue
        text = open(os.path.join(objects_dir, name)).read()
        text = text.replace("${PROJECT}", project).replace("${HELDOUT}", os.path.abspath(objects_dir))
        for index, document in enumerate(d for d in yaml.safe_load_all(text) if d):
            group, version, resource = RESOURCES[(document["apiVersion"], document["kind"])]
            out.append({"name": f"{name}#{index}", "file": name, "group": group, "version": version, "resource": resource,
                        "kind": document["kind"], "object": document})
    return out


def changed_paths(before, after, path=""):
    """JSON pointers of the values that differ; a whole added or removed member is one path."""
    if isinstance(before, dict) and isinstance(after, dict):
        paths = []
        for key in set(before) | set(after):
            child = path + "/" + key.replace("~", "~0").replace("/", "~1")
            if key not in before or key not in after:
                paths.append(child)
            else:
                paths += changed_paths(before[key], after[key], child)
        return paths
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [p for i, (b, a) in enumerate(zip(before, after)) for p in changed_paths(b, a, f"{path}/{i}")]
    return [] if before == after else [path]


def strip_extensions(schema):
    if isinstance(schema, dict):
        return {k: strip_extensions(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
    if isinstance(schema, list):
        return [strip_extensions(v) for v in schema]
    return schema


def crd_schemas(crd_dir):
    schemas = {}
    for name in os.listdir(crd_dir):
        crd = yaml.safe_load(open(os.path.join(crd_dir, name)))
        for version in crd["spec"]["versions"]:
            key = (crd["spec"]["names"]["kind"], version["name"])
            schemas[key] = strip_extensions(version["schema"]["openAPIV3Schema"])
    return schemas


def pod_problems(pod, prefix=""):
    problems = []
    spec = pod.get("spec", {})
    for role in ("containers", "initContainers", "ephemeralContainers"):
        for i, container in enumerate(spec.get(role) or []):
            image = container.get("image")
            if image is not None and (not isinstance(image, str) or not image or re.search(r"\s", image)):
                problems.append(f"{prefix}spec.{role}[{i}].image is not a valid image reference: {image!r}")
    selector = spec.get("nodeSelector")
    if selector is not None and (not isinstance(selector, dict) or not all(isinstance(v, str) for v in selector.values())):
        problems.append(f"{prefix}spec.nodeSelector is not a map of strings: {selector!r}")
    return problems


def check(crd_dir, cases):
    schemas = crd_schemas(crd_dir)
    results = []
    for case in cases:
        obj, response, problems, patched = case["object"], case["response"], [], None
        if response.get("uid") != case.get("uid"):
            problems.append(f"response uid {response.get('uid')!r} is not the request's {case.get('uid')!r}")
        if not isinstance(response.get("allowed"), bool):
            problems.append("response.allowed is missing")
        patch_text = response.get("patch")
        if patch_text is not None:
            if response.get("patchType") != "JSONPatch":
                problems.append(f"patchType is {response.get('patchType')!r}, not JSONPatch")
            if not response.get("allowed"):
                problems.append("a denial carries a patch")
            try:
                operations = json.loads(base64.b64decode(patch_text))
                patched = jsonpatch.apply_patch(obj, operations)
            except Exception as error:  # the API server rejects the answer
                problems.append(f"the patch does not apply: {error}")
        elif response.get("allowed"):
            patched = obj
        if patched is not None:
            kind = obj["kind"]
            for path in changed_paths(obj, patched):
                if not DOCUMENTED[kind].match(path):
                    problems.append(f"undocumented field changed: {path}")
            version = obj["apiVersion"].split("/")[-1]
            if kind == "Pod":
                problems += pod_problems(patched)
            else:
                try:
                    jsonschema.validate(patched, schemas[(kind, version)])
                except jsonschema.ValidationError as error:
                    problems.append(f"not valid for the {kind} CRD: {'.'.join(map(str, error.absolute_path))}: {error.message}")
                if kind == "MPIJob":
                    for replica, spec in (patched.get("spec", {}).get("mpiReplicaSpecs") or {}).items():
                        problems += pod_problems(spec.get("template", {}), prefix=f"{replica}.template.")
        results.append({"name": case["name"], "problems": problems, "patched": patched})
    return results


if __name__ == "__main__":
    if sys.argv[1] == "load":
        json.dump(load(sys.argv[2], sys.argv[3]), sys.stdout)
    elif sys.argv[1] == "check":
        json.dump(check(sys.argv[2], json.load(sys.stdin)), sys.stdout)
    else:
        sys.exit("usage: apiserver_check.py load OBJECTS_DIR PROJECT_ROOT | check CRD_DIR < cases.json")
