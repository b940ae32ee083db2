#!/usr/bin/env python3
"""Count the parameters of truncated CheXtransfer models from the torchvision model definitions.

Usage:
    python3 notebooks-export/make_truncation_params.py [--out data/demo/truncation-params.csv]

Needs torch and torchvision (CPU wheels: `python3 -m pip install torch==2.13.0+cpu torchvision==0.28.0`).
Only the model *definitions* are used (random weights, nothing is downloaded).

Truncation rule (stated once, used by make_demo.py for `parameters` of truncated runs):
  * the network is split into a stem, a list of "blocks", and (for some) a final head stage;
  * cutting k blocks removes the last k blocks and everything after them (the final head stage:
    DenseNet's norm5, the 1x1 head convolution of MNASNet / MobileNetV2 / EfficientNet);
  * a new classifier is attached to the output of the last kept block: global average pooling
    and Linear(C, 5), C = the channel count of that output (5 outputs = the competition tasks);
  * Inception-v3 is counted without its auxiliary classifier.
Blocks per architecture:
  DenseNet121      the 4 dense blocks; a cut dense block takes its preceding transition with it
  ResNet50         layer1..layer4
  Inception-v3     the 11 Inception modules Mixed_5b ... Mixed_7c
  MNASNet1.0       the 6 inverted-residual stacks (layers[8..13])
  MobileNetV2      the 7 stages of inverted residuals grouped by output channels (16,24,32,64,96,160,320)
  EfficientNet-B0  the 7 MBConv stages (features[1..7])
k = 0 is the full model (its count must equal params_5_outputs in data/architectures.csv).
"""

import argparse
import csv
import platform

import torch
from torch import nn

# PyPI's torchvision is CUDA-linked; next to the CPU torch its C extension fails to register
# torchvision::nms. Declaring the two schemas first makes the model constructors importable.
_lib = torch.library.Library("torchvision", "DEF")
_lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_lib.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
import torchvision  # noqa: E402
from torchvision import models  # noqa: E402

OUTPUTS = 5
MAX_CUT = 3


def count(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def head_params(channels):
    return channels * OUTPUTS + OUTPUTS


def out_channels(seq, size):
    with torch.no_grad():
        return seq(torch.zeros(1, 3, size, size)).shape[1]


def split_densenet121():
    m = models.densenet121()
    f = m.features
    stem = nn.Sequential(f.conv0, f.norm0, f.relu0, f.pool0)
    blocks = [
        nn.Sequential(f.denseblock1),
        nn.Sequential(f.transition1, f.denseblock2),
        nn.Sequential(f.transition2, f.denseblock3),
        nn.Sequential(f.transition3, f.denseblock4),
    ]
    return stem, blocks, nn.Sequential(f.norm5), 224


def split_resnet(builder):
    m = builder()
    stem = nn.Sequential(m.conv1, m.bn1, m.relu, m.maxpool)
    return stem, [m.layer1, m.layer2, m.layer3, m.layer4], nn.Sequential(), 224


def split_inception_v3():
    m = models.inception_v3(aux_logits=False, init_weights=False)
    stem = nn.Sequential(
        m.Conv2d_1a_3x3, m.Conv2d_2a_3x3, m.Conv2d_2b_3x3, m.maxpool1, m.Conv2d_3b_1x1,
        m.Conv2d_4a_3x3, m.maxpool2,
    )
    names = ["Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d",
             "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c"]
    return stem, [getattr(m, n) for n in names], nn.Sequential(), 299


def split_mnasnet():
    m = models.mnasnet1_0()
    layers = list(m.layers)
    return nn.Sequential(*layers[:8]), layers[8:14], nn.Sequential(*layers[14:]), 224


def split_mobilenet_v2():
    m = models.mobilenet_v2()
    f = list(m.features)
    groups = [[1], [2, 3], [4, 5, 6], [7, 8, 9, 10], [11, 12, 13], [14, 15, 16], [17]]
    blocks = [nn.Sequential(*[f[i] for i in g]) for g in groups]
    return f[0], blocks, f[18], 224


def split_efficientnet_b0():
    m = models.efficientnet_b0()
    f = list(m.features)
    return f[0], f[1:8], f[8], 224


SPLITS = {
    "DenseNet121": split_densenet121,
    "ResNet50": lambda: split_resnet(models.resnet50),
    "Inception-v3": split_inception_v3,
    "MNASNet1.0": split_mnasnet,
    "MobileNetV2": split_mobilenet_v2,
    "EfficientNet-B0": split_efficientnet_b0,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="data/demo/truncation-params.csv")
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    rows = []
    for arch, split in SPLITS.items():
        stem, blocks, tail, size = split()
        for k in range(0, MAX_CUT + 1):
            kept = list(blocks[: len(blocks) - k])
            body = nn.Sequential(stem, *kept, *([tail] if k == 0 else []))
            body.eval()
            channels = out_channels(body, size)
            params = count(body) + head_params(channels)
            rows.append({
                "architecture": arch, "truncated_blocks": k, "blocks_total": len(blocks),
                "feature_channels": channels, "parameters_5_outputs": params,
            })
            print(f"{arch:16s} cut {k}: {channels:5d} channels, {params:>11,d} parameters")
    with open(args.out, "w", newline="") as handle:
        handle.write(
            f"# written by notebooks-export/make_truncation_params.py with torch {torch.__version__}, "
            f"torchvision {torchvision.__version__}, python {platform.python_version()}\n"
        )
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
