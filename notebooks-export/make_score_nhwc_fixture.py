"""A Keras-style NHWC model for `chexstats score`, and onnxruntime's outputs on the demo films.

The model is what tf2onnx writes for a Keras classifier: input [batch, 320, 320, 3] (NHWC), a
Transpose (perm 0,3,1,2) to NCHW, Conv 3x3 stride 2, Relu, Pad mode 'edge' (1 on each side of H
and W) before MaxPool 3x3 stride 2, Conv, Relu, GlobalAveragePool, Flatten, Gemm to 5 outputs,
labels in metadata_props. Weights are seeded normal values. Its input is the `chexpert` tensor of
each film (Pillow + torchvision, as make_demo_models.py makes it), transposed to NHWC; onnxruntime
(CPU, one thread, no graph optimisations) gives the expected logits.

    python3 notebooks-export/make_score_nhwc_fixture.py

writes Tests/chexstatsTests/Fixtures/score/tiny-nhwc.onnx and tiny-nhwc.logits.csv (versions in
the CSV's sidecar README line printed at the end).
"""
import csv
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(__file__))
import make_demo_models as demo  # noqa: E402  (its chexpert tensors of data/films)

LABELS = ["Atelectasis", "Cardiomegaly", "Consolidation", "Edema", "Pleural Effusion"]
SEED = 20261208
OUT = "Tests/chexstatsTests/Fixtures/score"


def model():
    rng = np.random.default_rng(SEED)

    def weight(name, *shape, scale):
        return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)

    initializers = [
        weight("w1", 8, 3, 3, 3, scale=0.3), weight("b1", 8, scale=0.1),
        numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=np.int64), "pads"),
        weight("w2", 16, 8, 3, 3, scale=0.2), weight("b2", 16, scale=0.1),
        weight("w3", 5, 16, scale=0.5), weight("b3", 5, scale=0.1),
    ]
    nodes = [
        helper.make_node("Transpose", ["input"], ["nchw"], perm=[0, 3, 1, 2], name="input_to_nchw"),
        helper.make_node("Conv", ["nchw", "w1", "b1"], ["c1"], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"]),
        helper.make_node("Pad", ["r1", "pads"], ["p1"], mode="edge"),
        helper.make_node("MaxPool", ["p1"], ["m1"], kernel_shape=[3, 3], strides=[2, 2]),
        helper.make_node("Conv", ["m1", "w2", "b2"], ["c2"], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"]),
        helper.make_node("GlobalAveragePool", ["r2"], ["g"]),
        helper.make_node("Flatten", ["g"], ["f"]),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_nhwc",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 320, 320, 3])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 5])], initializers)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="tf2onnx-style")
    proto.ir_version = 8
    helper.set_model_props(proto, {"labels": ",".join(LABELS)})
    onnx.checker.check_model(proto)
    return proto


def main():
    path = os.path.join(OUT, "tiny-nhwc.onnx")
    onnx.save(model(), path)
    paths, batch, _ = demo.load_films("data/films")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    logits = session.run(["logits"], {"input": np.ascontiguousarray(batch.transpose(0, 2, 3, 1))})[0]
    with open(os.path.join(OUT, "tiny-nhwc.logits.csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Path"] + LABELS)
        for name, row in zip(paths, logits):
            writer.writerow([name] + [f"{float(v):.9g}" for v in row])
    import PIL
    import torch
    import torchvision
    print(f"made by notebooks-export/make_score_nhwc_fixture.py with onnx {onnx.__version__}, onnxruntime "
          f"{ort.__version__}, numpy {np.__version__}, Pillow {PIL.__version__}, torch {torch.__version__}, "
          f"torchvision {torchvision.__version__}; logits in [{logits.min():.3f}, {logits.max():.3f}]")


if __name__ == "__main__":
    main()
