"""Corrupts model and input files at random and checks that `chexstats inspect` and `chexstats run`
never crash: every run must exit 0 or 1, and a failure must print exactly one line on stderr
(split on '\\n' only: names quoted from a corrupted file may hold other control characters).

Usage (from the repository root, after `swift build -c release`):
  python3 notebooks-export/fuzz_model_cli.py [--seed 1] [--count 300] [--work /tmp/chexstats-fuzz]
Mutations of the model: 1-4 random bytes replaced, truncation at a random point, a random slice of
the file spliced in elsewhere. Mutations of the .npy input: header bytes replaced, truncation, and
hand-written headers with odd shapes. Models: the CLI fixture (torchvision DenseNet) and the timm
TF-"SAME" EfficientNet (shape arithmetic at run time). Writes nothing inside the repository.
Seen 2026-11-28 (seeds 1-3, 950 model and 300 input files): no crash, no hang; before the fix in
RunCommand.swift a bad .npy header was quoted with its trailing newline (two stderr lines).
"""

import argparse
import collections
import os
import random
import subprocess

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BINARY = os.path.join(ROOT, ".build", "release", "chexstats")
MODELS = [
    ("Tests/chexstatsTests/Fixtures/models/densenet_g8.onnx", "Tests/chexstatsTests/Fixtures/models/densenet_g8_input.npy"),
    ("Tests/ChexInferenceTests/Architectures/tf_efficientnet_b0_w010_legacy17/model.onnx",
     "Tests/ChexInferenceTests/Architectures/tf_efficientnet_b0_w010_legacy17/input.npy"),
]


def mutate_model(rng, data):
    kind = rng.choice(["flip", "flip", "cut", "splice"])
    data = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "cut":
        data = data[:rng.randrange(len(data))]
    else:
        a, b = rng.randrange(len(data)), rng.randrange(len(data))
        data = data[:a] + data[b:b + rng.randint(1, 200)] + data[a:]
    return kind, bytes(data)


def mutate_input(rng, data):
    kind = rng.choice(["header", "header", "cut", "shape"])
    data = bytearray(data)
    if kind == "header":
        for _ in range(rng.randint(1, 3)):
            data[rng.randrange(128)] = rng.choice(b"0123456789(),' :{}<>fFiTrue" + bytes([rng.randrange(256)]))
    elif kind == "cut":
        data = data[:rng.randrange(len(data))]
    else:
        shape = rng.choice([b"", b"2,", b"-1, 3, 48, 48", b"99999999999999999999, 3", b"2, 3, 48, 48, 1", b"0,"])
        header = b"{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + b"), }"
        header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
        data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes(data[128:])
    return kind, bytes(data)


def check(command, problems, label):
    try:
        result = subprocess.run([BINARY] + command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        problems.append((label, "timeout", ""))
        return "timeout"
    lines = result.stderr.rstrip("\n").split("\n") if result.stderr else []
    if result.returncode not in (0, 1) or (result.returncode == 1 and len(lines) != 1):
        problems.append((label, result.returncode, result.stderr[-400:]))
    return result.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--work", default="/tmp/chexstats-fuzz")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = random.Random(args.seed)
    outcomes, problems = collections.Counter(), []
    for model_path, input_path in MODELS:
        model = open(os.path.join(ROOT, model_path), "rb").read()
        batch = open(os.path.join(ROOT, input_path), "rb").read()
        good_model, good_input = os.path.join(ROOT, model_path), os.path.join(ROOT, input_path)
        for i in range(args.count):
            kind, data = mutate_model(rng, model)
            path = os.path.join(args.work, "model.onnx")
            open(path, "wb").write(data)
            label = f"{os.path.basename(os.path.dirname(model_path))} model {kind} #{i}"
            outcomes["inspect", check(["inspect", path], problems, label)] += 1
            outcomes["run", check(["run", path, "--input", good_input, "--output", os.path.join(args.work, "y.npy"),
                                   "--threads", "2"], problems, label)] += 1
            kind, data = mutate_input(rng, batch)
            path = os.path.join(args.work, "x.npy")
            open(path, "wb").write(data)
            outcomes["run bad input", check(["run", good_model, "--input", path, "--output",
                                             os.path.join(args.work, "y.npy")], problems, f"input {kind} #{i}")] += 1
    print(dict(outcomes))
    for problem in problems[:20]:
        print(problem)
    print(f"{len(problems)} problems")


if __name__ == "__main__":
    main()
