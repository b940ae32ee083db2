"""Expected least-squares line for Tests/ChexReportTests/FiguresTests.swift
(testLeastSquaresMatchesNumpy): numpy.polyfit(x, y, 1) of mean CheXpert AUROC (pretrained)
on ImageNet top-1 for the 16 sample architectures in Tests/ChexReportTests/FigureSamples.swift.

Run: python3 notebooks-export/figure_least_squares.py
"""
import sys

import numpy as np

# (ImageNet top-1 timm, AUROC pretrained), in the order of FigureSamples.architectures.
DATA = [
    (74.750, 0.886), (75.922, 0.869), (77.284, 0.868),
    (69.752, 0.864), (73.298, 0.855), (76.156, 0.871), (77.404, 0.865),
    (77.472, 0.871), (80.144, 0.873),
    (74.672, 0.840),
    (72.910, 0.845), (75.510, 0.843),
    (76.542, 0.860), (78.546, 0.846), (79.612, 0.846), (80.878, 0.845),
]

x = np.array([d[0] for d in DATA])
y = np.array([d[1] for d in DATA])
slope, intercept = np.polyfit(x, y, 1)
print(f"# numpy {np.__version__}, Python {sys.version.split()[0]}")
print(f"static let numpySlope = {float(slope)!r}")
print(f"static let numpyIntercept = {float(intercept)!r}")
