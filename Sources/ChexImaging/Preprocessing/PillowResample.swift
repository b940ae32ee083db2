/// Pillow's `Image.resize` with `BILINEAR` and `NEAREST`, written from Pillow 13's
/// `src/libImaging/Resample.c`, `Geometry.c` and `_imaging.c` (`_resize`) and checked bit for bit
/// against it (`Tests/ChexImagingTests/Preprocessing`).
///
/// **Bilinear** is a separable convolution, horizontal pass first. For each output index `xx` of
/// an axis of `in` samples resized to `out` (`precompute_coeffs`):
///
///     scale = in / out,  filterscale = max(scale, 1),  support = 1 * filterscale
///     center = (xx + 0.5) * scale
///     xmin = max(int(center - support + 0.5), 0)           (C truncation)
///     n    = min(int(center + support + 0.5), in) - xmin
///     w_i  = max(0, 1 - |(xmin + i - center + 0.5) * (1 / filterscale)|),  i < n
///
/// normalised to sum 1 in double precision. On 8-bit samples (`normalize_coeffs_8bpc`) each
/// weight becomes `k_i = int(0.5 + w_i * 2^22)` and an output is
/// `clamp((2^21 + sum_i k_i v_i) >> 22, 0, 255)` in 32-bit integers; the horizontal pass writes
/// an 8-bit image that the vertical pass reads. A pass is skipped when its axis keeps its size
/// (Pillow's `need_horizontal` / `need_vertical`), and the horizontal pass only computes the
/// rows the vertical one reads.
///
/// Deeper samples (9 to 16 bits) use the same weights in double precision with no rounding or
/// clamping between or after the passes (no Python reference does this bit for bit; the tests
/// compare with a float64 numpy evaluation of the same weights).
///
/// **Nearest** is not a convolution in Pillow: `_resize` hands it to the affine transform with
/// `a = in / out`, and `ImagingScaleAffine` takes `int(x)` of a position that starts at `a / 2`
/// and is *accumulated* (`x += a`) in double precision, so the index of output `i` is
/// `int(a/2 + a + ... + a)`, which can differ from `int((i + 1/2) a)` in the last place.
///
/// Only a window of the output is computed (the center crop of `short-side-crop`); each output
/// sample depends on its own row and column weights alone, so the window equals the same part
/// of Pillow's whole result.
enum PillowResample {
  /// Pillow's fixed-point precision for 8-bit samples (`PRECISION_BITS = 32 - 8 - 2`).
  static let precisionBits: Int32 = 22

  /// A rectangle of the resized image: columns `x..<x+width`, rows `y..<y+height`.
  struct Window: Equatable {
    var x: Int
    var y: Int
    var width: Int
    var height: Int
  }

  /// A single-channel image in memory: `height` rows of `width` samples, row `r` starting at
  /// `base + r * rowStride`.
  struct Plane<Sample> {
    let base: UnsafePointer<Sample>
    let width: Int
    let height: Int
    let rowStride: Int
  }

  /// One axis' bilinear weights (`precompute_coeffs`) for the outputs `first..<first + n`: for
  /// output `first + i`, `count[i]` weights starting at input `start[i]`, stored at
  /// `weights[i * taps ..< i * taps + count[i]]`. Only the outputs a window needs are computed,
  /// so a very long resized axis (a 65,535 x 1 image under `short-side-crop`) costs nothing.
  struct AxisWeights {
    let first: Int
    let taps: Int
    let start: [Int]
    let count: [Int]
    let weights: [Double]

    /// The weights of Pillow's bilinear filter (support 1) from `inSize` to `outSize`, for the
    /// outputs `outputs` (default: all).
    /// - Complexity: O(outputs.count * taps), taps = 2 ceil(max(in / out, 1)) + 1.
    init(bilinearFrom inSize: Int, to outSize: Int, outputs: Range<Int>? = nil) {
      let outputs = outputs ?? 0..<outSize
      precondition(inSize > 0 && outSize > 0, "PillowResample.AxisWeights: empty axis")
      let scale = Double(inSize) / Double(outSize)
      let filterScale = max(scale, 1)
      let support = 1.0 * filterScale
      let taps = Int(support.rounded(.up)) * 2 + 1
      let inverse = 1.0 / filterScale
      var start = [Int](repeating: 0, count: outputs.count)
      var count = [Int](repeating: 0, count: outputs.count)
      var weights = [Double](repeating: 0, count: outputs.count * taps)
      for xx in outputs {
        let slot = xx - outputs.lowerBound
        let center = (Double(xx) + 0.5) * scale
        let xmin = max(Int(center - support + 0.5), 0)
        let n = min(Int(center + support + 0.5), inSize) - xmin
        var total = 0.0
        for i in 0..<n {
          let distance = abs((Double(i + xmin) - center + 0.5) * inverse)
          let w = distance < 1 ? 1 - distance : 0
          weights[slot * taps + i] = w
          total += w
        }
        if total != 0 {
          for i in 0..<n { weights[slot * taps + i] /= total }
        }
        start[slot] = xmin
        count[slot] = n
      }
      self.first = outputs.lowerBound
      self.taps = taps
      self.start = start
      self.count = count
      self.weights = weights
    }

    /// The weights in 22-bit fixed point, rounded half away from zero and truncated as C's
    /// `(int)` does (`normalize_coeffs_8bpc`).
    var fixedPoint: [Int32] {
      let one = Double(1 << Int(precisionBits))
      return weights.map { $0 < 0 ? Int32(-0.5 + $0 * one) : Int32(0.5 + $0 * one) }
    }

    /// The input indices `[first, last)` that outputs `range` read.
    func inputSpan(of range: Range<Int>) -> Range<Int> {
      var first = Int.max
      var last = Int.min
      for i in range {
        first = min(first, start[i - self.first])
        last = max(last, start[i - self.first] + count[i - self.first])
      }
      return first..<max(first, last)
    }
  }

  /// Pillow's `NEAREST` source index for each of `outSize` outputs from `inSize` inputs
  /// (`ImagingScaleAffine`: position `a / 2`, then `+= a` per output, `a = in / out`, index
  /// `int(position)`; an index outside the image would leave a zero, which these scales never
  /// reach but the table keeps as -1).
  ///
  /// Only `outputs` (default: all) are returned; the position is still accumulated from 0.
  static func nearestIndices(from inSize: Int, to outSize: Int, outputs: Range<Int>? = nil) -> [Int] {
    let outputs = outputs ?? 0..<outSize
    let step = Double(inSize) / Double(outSize)
    var position = 0.0 + step * 0.5
    var indices = [Int](repeating: 0, count: outputs.count)
    for i in 0..<outputs.upperBound {
      if i >= outputs.lowerBound {
        let index = position < 0 ? -1 : Int(position)
        indices[i - outputs.lowerBound] = index < inSize ? index : -1
      }
      position += step
    }
    return indices
  }

  // MARK: - 8-bit samples (bit-exact)

  /// `window` of `plane` resized to `outWidth x outHeight`, row-major (`window.width` per row).
  static func resample(
    _ plane: Plane<UInt8>, toWidth outWidth: Int, height outHeight: Int, window: Window,
    interpolation: Preprocessing.Interpolation
  ) -> [UInt8] {
    if outWidth == plane.width && outHeight == plane.height {
      return gather(
        plane, columns: Array(window.x..<window.x + window.width),
        rows: Array(window.y..<window.y + window.height), zero: 0)
    }
    switch interpolation {
    case .nearest:
      let columns = nearestIndices(
        from: plane.width, to: outWidth, outputs: window.x..<window.x + window.width)
      let rows = nearestIndices(
        from: plane.height, to: outHeight, outputs: window.y..<window.y + window.height)
      return gather(plane, columns: columns, rows: rows, zero: 0)
    case .bilinear:
      return bilinear(plane, toWidth: outWidth, height: outHeight, window: window)
    }
  }

  /// The samples at `rows x columns` of `plane` (index -1: `zero`).
  static func gather<Sample>(_ plane: Plane<Sample>, columns: [Int], rows: [Int], zero: Sample) -> [Sample] {
    var output = [Sample](repeating: zero, count: columns.count * rows.count)
    output.withUnsafeMutableBufferPointer { output in
      for (j, row) in rows.enumerated() where row >= 0 {
        let source = plane.base + row * plane.rowStride
        let target = j * columns.count
        for (i, column) in columns.enumerated() where column >= 0 {
          output[target + i] = source[column]
        }
      }
    }
    return output
  }

  /// Pillow's 8-bit bilinear resize of `plane`, the `window` part of it.
  ///
  /// - Complexity: O(rows read x window.width x horizontal taps + window area x vertical taps).
  static func bilinear(_ plane: Plane<UInt8>, toWidth outWidth: Int, height outHeight: Int, window: Window)
    -> [UInt8]
  {
    let needHorizontal = outWidth != plane.width
    let needVertical = outHeight != plane.height
    let columns = window.x..<window.x + window.width
    let outputRows = window.y..<window.y + window.height
    let vertical =
      needVertical ? AxisWeights(bilinearFrom: plane.height, to: outHeight, outputs: outputRows) : nil
    let rowsRead = vertical?.inputSpan(of: outputRows) ?? outputRows

    // Horizontal pass into an 8-bit intermediate (columns of the window, rows read).
    var intermediate: [UInt8] = []
    if needHorizontal {
      let horizontal = AxisWeights(bilinearFrom: plane.width, to: outWidth, outputs: columns)
      intermediate = [UInt8](repeating: 0, count: rowsRead.count * window.width)
      let fixed = horizontal.fixedPoint
      intermediate.withUnsafeMutableBufferPointer { out in
        fixed.withUnsafeBufferPointer { fixed in
          horizontalPass(
            plane, rows: rowsRead, columns: columns, weights: horizontal, fixed: fixed, into: out)
        }
      }
    }
    guard let vertical else {
      // Only the width changes: the horizontal pass computed exactly the window's rows.
      return intermediate
    }
    // The vertical pass reads the intermediate, or the plane's window columns directly.
    var output = [UInt8](repeating: 0, count: window.width * window.height)
    let fixed = vertical.fixedPoint
    intermediate.withUnsafeBufferPointer { intermediate in
      // Row r of the plane is row r - rowsRead.lowerBound of the intermediate.
      let source: Plane<UInt8>
      let firstRow: Int
      if needHorizontal, let base = intermediate.baseAddress {
        source = Plane(base: base, width: window.width, height: rowsRead.count, rowStride: window.width)
        firstRow = rowsRead.lowerBound
      } else {
        source = Plane(
          base: plane.base + window.x, width: window.width, height: plane.height, rowStride: plane.rowStride)
        firstRow = 0
      }
      output.withUnsafeMutableBufferPointer { out in
        fixed.withUnsafeBufferPointer { fixed in
          verticalPass(
            source, firstRow: firstRow, outputRows: outputRows, weights: vertical, fixed: fixed, into: out)
        }
      }
    }
    return output
  }

  /// `clip8`: the fixed-point sum shifted down and clamped to 0...255.
  @inline(__always)
  static func clip8(_ sum: Int32) -> UInt8 {
    let value = sum >> precisionBits
    return value < 0 ? 0 : value > 255 ? 255 : UInt8(truncatingIfNeeded: value)
  }

  /// Rows `rows` of `plane`, output columns `columns`, into `out` (`columns.count` per row).
  ///
  /// Each output's taps are read 16 at a time: 16 bytes widened to 32-bit lanes, multiplied by
  /// the weights (zero past the output's `count`) and summed. Integer sums do not depend on their
  /// order, so this equals Pillow's tap-by-tap loop exactly; outputs whose 16-byte reads would
  /// pass the row's end take the tap-by-tap loop.
  static func horizontalPass(
    _ plane: Plane<UInt8>, rows: Range<Int>, columns: Range<Int>, weights: AxisWeights,
    fixed: UnsafeBufferPointer<Int32>, into out: UnsafeMutableBufferPointer<UInt8>
  ) {
    typealias Lanes = SIMD16<Int32>
    let lanes = Lanes.scalarCount
    let taps = weights.taps
    let width = columns.count
    let chunks = max(1, ((weights.count.max() ?? 0) + lanes - 1) / lanes)
    // The window's weights, `chunks * lanes` per output, zero-padded.
    var padded = [Lanes](repeating: .zero, count: width * chunks)
    var starts = [Int](repeating: 0, count: width)
    var counts = [Int](repeating: 0, count: width)
    for (i, xx) in columns.enumerated() {
      let slot = xx - weights.first
      starts[i] = weights.start[slot]
      counts[i] = weights.count[slot]
      for t in 0..<weights.count[slot] {
        padded[i * chunks + t / lanes][t % lanes] = fixed[slot * taps + t]
      }
    }
    let vectorEnd = plane.width - chunks * lanes  // the last start whose reads stay in the row
    padded.withUnsafeBufferPointer { padded in
      for (j, row) in rows.enumerated() {
        let source = plane.base + row * plane.rowStride
        let target = j * width
        for i in 0..<width {
          let first = starts[i]
          var sum: Int32 = 1 << (precisionBits - 1)
          if first <= vectorEnd {
            var lanesSum = Lanes.zero
            let raw = UnsafeRawPointer(source + first)
            for c in 0..<chunks {
              let bytes = raw.loadUnaligned(fromByteOffset: c * lanes, as: SIMD16<UInt8>.self)
              lanesSum &+= Lanes(truncatingIfNeeded: bytes) &* padded[i * chunks + c]
            }
            sum &+= lanesSum.wrappedSum()
          } else {
            let k = fixed.baseAddress.unsafelyUnwrapped + (columns.lowerBound + i - weights.first) * taps
            for t in 0..<counts[i] {
              sum &+= Int32(truncatingIfNeeded: source[first + t]) &* k[t]
            }
          }
          out[target + i] = clip8(sum)
        }
      }
    }
  }

  /// Output rows `outputRows` of the vertical pass over `source` (all `source.width` columns;
  /// its row 0 is input row `firstRow`), into `out` row by row. Accumulates a whole row at a
  /// time, so the inner loop runs along contiguous memory.
  static func verticalPass(
    _ source: Plane<UInt8>, firstRow: Int, outputRows: Range<Int>, weights: AxisWeights,
    fixed: UnsafeBufferPointer<Int32>,
    into out: UnsafeMutableBufferPointer<UInt8>
  ) {
    let width = source.width
    var sums = [Int32](repeating: 0, count: width)
    sums.withUnsafeMutableBufferPointer { sums in
      for (j, yy) in outputRows.enumerated() {
        for i in 0..<width { sums[i] = 1 << (precisionBits - 1) }
        let slot = yy - weights.first
        let k = fixed.baseAddress.unsafelyUnwrapped + slot * weights.taps
        for t in 0..<weights.count[slot] {
          let row = source.base + (weights.start[slot] + t - firstRow) * source.rowStride
          let weight = k[t]
          for i in 0..<width {
            sums[i] &+= Int32(truncatingIfNeeded: row[i]) &* weight
          }
        }
        let target = j * width
        for i in 0..<width { out[target + i] = clip8(sums[i]) }
      }
    }
  }

  // MARK: - Deeper samples (floating point)

  /// `window` of `plane` resized to `outWidth x outHeight` with the same weights in double
  /// precision, as raw sample values (the caller divides by the white value).
  static func resampleDouble<Sample: FixedWidthInteger & UnsignedInteger>(
    _ plane: Plane<Sample>, toWidth outWidth: Int, height outHeight: Int, window: Window,
    interpolation: Preprocessing.Interpolation
  ) -> [Double] {
    let unchanged = outWidth == plane.width && outHeight == plane.height
    if unchanged || interpolation == .nearest {
      let columns =
        unchanged
        ? Array(window.x..<window.x + window.width)
        : nearestIndices(from: plane.width, to: outWidth, outputs: window.x..<window.x + window.width)
      let rows =
        unchanged
        ? Array(window.y..<window.y + window.height)
        : nearestIndices(from: plane.height, to: outHeight, outputs: window.y..<window.y + window.height)
      return gather(plane, columns: columns, rows: rows, zero: 0).map { Double($0) }
    }
    let columns = window.x..<window.x + window.width
    let outputRows = window.y..<window.y + window.height
    let vertical =
      outHeight != plane.height
      ? AxisWeights(bilinearFrom: plane.height, to: outHeight, outputs: outputRows) : nil
    let rowsRead = vertical?.inputSpan(of: outputRows) ?? outputRows

    // Horizontal pass (or a copy of the window's columns) into rows `rowsRead`.
    var intermediate = [Double](repeating: 0, count: rowsRead.count * window.width)
    let horizontal =
      outWidth != plane.width ? AxisWeights(bilinearFrom: plane.width, to: outWidth, outputs: columns) : nil
    intermediate.withUnsafeMutableBufferPointer { out in
      for (j, row) in rowsRead.enumerated() {
        let source = plane.base + row * plane.rowStride
        let target = j * window.width
        for (i, xx) in columns.enumerated() {
          guard let horizontal else {
            out[target + i] = Double(source[xx])
            continue
          }
          let slot = xx - horizontal.first
          var sum = 0.0
          for t in 0..<horizontal.count[slot] {
            sum += Double(source[horizontal.start[slot] + t]) * horizontal.weights[slot * horizontal.taps + t]
          }
          out[target + i] = sum
        }
      }
    }
    guard let vertical else { return intermediate }
    var output = [Double](repeating: 0, count: window.width * window.height)
    output.withUnsafeMutableBufferPointer { out in
      intermediate.withUnsafeBufferPointer { intermediate in
        for (j, yy) in outputRows.enumerated() {
          let target = j * window.width
          let slot = yy - vertical.first
          for t in 0..<vertical.count[slot] {
            let row = (vertical.start[slot] + t - rowsRead.lowerBound) * window.width
            let weight = vertical.weights[slot * vertical.taps + t]
            for i in 0..<window.width {
              out[target + i] += intermediate[row + i] * weight
            }
          }
        }
      }
    }
    return output
  }
}
