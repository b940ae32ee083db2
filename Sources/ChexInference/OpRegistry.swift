import Foundation

/// Lowers one node: folds it when its inputs are constants, otherwise appends kernels to the
/// builder. Returns one value per node output.
typealias OpLowering = @Sendable (NodeContext) throws(InferenceError) -> [Value]

/// The one table from ONNX op name to implementation. Anything not listed is refused at load
/// time with the op, the node and the reason.
enum OpRegistry {
  static let table: [String: OpLowering] = [
    // Convolution and normalisation (Ops/Conv.swift, Ops/Normalization.swift)
    "Conv": Conv.lower,
    "BatchNormalization": BatchNormalization.lower,
    // Activations (Ops/Activations.swift)
    "Relu": Unary.relu,
    "Clip": Unary.clip,
    "Sigmoid": Unary.sigmoid,
    "HardSigmoid": Unary.hardSigmoid,
    "HardSwish": Unary.hardSwish,
    "Ceil": Unary.foldOnly { $0.rounded(.up) },
    "Floor": Unary.foldOnly { $0.rounded(.down) },
    "Sqrt": Unary.foldOnly { $0.squareRoot() },
    "Neg": Unary.foldOnly { -$0 },
    // Broadcast arithmetic (Ops/Binary.swift)
    "Add": Binary.lowering(.add),
    "Sub": Binary.lowering(.sub),
    "Mul": Binary.lowering(.mul),
    "Div": Binary.lowering(.div),
    // Pooling and reductions (Ops/Pooling.swift, Ops/Reduce.swift)
    "MaxPool": Pool.maxPool,
    "AveragePool": Pool.averagePool,
    "GlobalAveragePool": Pool.globalAveragePool,
    "ReduceMean": ReduceMean.lower,
    // Matrix products (Ops/MatMul.swift)
    "Gemm": Gemm.lower,
    "MatMul": MatMul.lower,
    // Views and shape arithmetic (Ops/ShapeOps.swift)
    "Identity": ShapeOps.identity,
    "Dropout": ShapeOps.dropout,
    "Flatten": ShapeOps.flatten,
    "Reshape": ShapeOps.reshape,
    "Unsqueeze": ShapeOps.unsqueeze,
    "Squeeze": ShapeOps.squeeze,
    "Shape": ShapeOps.shape,
    "Constant": ShapeOps.constant,
    "ConstantOfShape": ShapeOps.constantOfShape,
    "Cast": ShapeOps.cast,
    // Element movement (Ops/Indexing.swift)
    "Gather": Indexing.gather,
    "Slice": Indexing.slice,
    "Concat": Indexing.concat,
    "Transpose": Indexing.transpose,
    "Pad": Indexing.pad,
  ]

  /// The op names the engine implements, sorted.
  static var supportedOps: [String] { table.keys.sorted() }
}
