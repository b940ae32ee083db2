/// Applying a ``Preprocessing`` to a decoded ``Image``: channels, geometry, filter, intensity.
///
/// The steps, in the order the Python pipelines take them:
/// 1. **Channels** (Pillow's `convert`): alpha is dropped; with 1 output channel an RGB image
///    becomes gray by `(19595 R + 38470 G + 7471 B + 0x8000) >> 16` (Pillow's `L24`) on 8-bit
///    samples and `(19595 R + 38470 G + 7471 B) / 65536` unrounded on deeper ones; with 3 output
///    channels a gray image is resized once and replicated (as `convert('RGB')` then a resize,
///    which treats the three equal bands alike), an RGB image is resized band by band.
/// 2. **Geometry** (``Preprocessing/Resize``): a source crop (`crop-resize`), a resize, and a
///    window of it placed in the `size x size` output (the center crop of `short-side-crop`, the
///    centred placement of `pad`, whose margin holds zero pixels).
/// 3. **Resampling** (``PillowResample``): 8-bit images exactly as Pillow's `resize`; deeper
///    ones (16-bit PNG, 12- to 16-bit DICOM) in double precision from the raw samples with the
///    same weights, never rounded or clipped.
/// 4. **Intensity**: per output channel `c`, in float32 and in this order,
///    `x = v / maxval` (``Preprocessing/Intensity/unit``, torchvision's `ToTensor`) or
///    `x = (2 (v / maxval) - 1) * 1024` (``Preprocessing/Intensity/xrv``), then
///    `(x - mean[c]) / std[c]` as two operations (torchvision's `Normalize`; a fused multiply-add
///    would not be bit-identical). Deeper images compute `v / maxval` in double precision and
///    round it once to float32 before the same float32 steps.
///
/// On 8-bit images with `maxValue` 255 the result equals torchvision's
/// `Normalize(ToTensor(CenterCrop(Resize(img))))` (for `chexpert`) bit for bit.
extension Preprocessing {
  /// Where the image goes: a crop of the source, the size it is resized to, the window of the
  /// resized image that is kept, and where that window lands in the `size x size` output.
  struct Geometry: Equatable {
    var crop: PillowResample.Window
    var resizedWidth: Int
    var resizedHeight: Int
    var window: PillowResample.Window
    var placeX: Int
    var placeY: Int
  }

  /// The geometry of a `width x height` image (see ``Resize`` for each rule).
  func geometry(width: Int, height: Int) -> Geometry {
    let full = PillowResample.Window(x: 0, y: 0, width: width, height: height)
    let whole = PillowResample.Window(x: 0, y: 0, width: size, height: size)
    switch resize {
    case .shortSideCrop:
      // torchvision `_compute_resized_output_size`: new_long = int(size * long / short).
      let short = min(width, height)
      let long = max(width, height)
      let newLong = Int(Double(size * long) / Double(short))
      let (newWidth, newHeight) = width <= height ? (size, newLong) : (newLong, size)
      // torchvision `center_crop`: int(round((new - size) / 2.0)), half to even.
      let top = Int((Double(newHeight - size) / 2).rounded(.toNearestOrEven))
      let left = Int((Double(newWidth - size) / 2).rounded(.toNearestOrEven))
      return Geometry(
        crop: full, resizedWidth: newWidth, resizedHeight: newHeight,
        window: .init(x: left, y: top, width: size, height: size), placeX: 0, placeY: 0)
    case .squash:
      return Geometry(
        crop: full, resizedWidth: size, resizedHeight: size, window: whole, placeX: 0, placeY: 0)
    case .pad:
      let long = max(width, height)
      let newWidth = width == long ? size : max(1, size * width / long)
      let newHeight = height == long ? size : max(1, size * height / long)
      return Geometry(
        crop: full, resizedWidth: newWidth, resizedHeight: newHeight,
        window: .init(x: 0, y: 0, width: newWidth, height: newHeight),
        placeX: (size - newWidth) / 2, placeY: (size - newHeight) / 2)
    case .cropResize:
      // torchxrayvision `XRayCenterCrop`.
      let side = min(width, height)
      let crop = PillowResample.Window(
        x: width / 2 - side / 2, y: height / 2 - side / 2, width: side, height: side)
      return Geometry(
        crop: crop, resizedWidth: size, resizedHeight: size, window: whole, placeX: 0, placeY: 0)
    }
  }

  /// Writes the model's input for `image` into `output`: ``elementCount`` floats, channel by
  /// channel, each `size` rows of `size` (CHW).
  ///
  /// Thread-safe: all scratch memory belongs to the call.
  ///
  /// - Precondition: `output.count == elementCount`.
  /// - Complexity: O(rows read x size x taps) for the resampling, whatever the size of the resized
  ///   image outside the window: 4 to 5 ms for a 2320 x 2828 8-bit film to the `chexpert` tensor
  ///   on one core (`notebooks-export/bench_preprocess.py`).
  public func apply(_ image: Image, into output: UnsafeMutableBufferPointer<Float>) {
    precondition(
      output.count == elementCount,
      "Preprocessing.apply: the output holds \(output.count) floats, the tensor \(tensorShape) needs \(elementCount)"
    )
    let geometry = geometry(width: image.width, height: image.height)
    switch image.samples {
    case .uint8(let samples):
      let windows = samples.withUnsafeBufferPointer { resampledBytes($0, image: image, geometry: geometry) }
      writeBytes(windows, maxValue: image.maxValue, geometry: geometry, into: output)
    case .uint16(let samples):
      let (windows, divisor) = samples.withUnsafeBufferPointer {
        resampledDeep($0, image: image, geometry: geometry)
      }
      writeDeep(windows, divisor: divisor, geometry: geometry, into: output)
    }
  }

  /// The model's input for `image` as a new array (see ``apply(_:into:)``).
  public func apply(_ image: Image) -> [Float] {
    [Float](unsafeUninitializedCapacity: elementCount) { buffer, initialized in
      buffer.initialize(repeating: 0)
      apply(image, into: buffer)
      initialized = elementCount
    }
  }

  /// Whether the output channels come from separate RGB bands (else from one gray plane).
  private func usesBands(_ layout: Image.Layout) -> Bool {
    channels == 3 && (layout == .rgb || layout == .rgba)
  }

  // MARK: - 8-bit

  /// The resampled window of each source plane: one gray plane, or R, G, B.
  private func resampledBytes(_ samples: UnsafeBufferPointer<UInt8>, image: Image, geometry: Geometry)
    -> [[UInt8]]
  {
    guard let base = samples.baseAddress else { preconditionFailure("Preprocessing.apply: an empty image") }
    let crop = geometry.crop
    let resample = { (plane: PillowResample.Plane<UInt8>) in
      PillowResample.resample(
        plane, toWidth: geometry.resizedWidth, height: geometry.resizedHeight, window: geometry.window,
        interpolation: interpolation)
    }
    if image.layout == .gray {
      return [
        resample(
          .init(
            base: base + crop.y * image.width + crop.x, width: crop.width, height: crop.height,
            rowStride: image.width))
      ]
    }
    let stride = image.layout.channels
    let bands = usesBands(image.layout) ? [0, 1, 2] : [-1]
    return bands.map { band in
      // The crop of one plane: a band, or gray (LA's L, or Pillow's luminance of RGB).
      var plane = [UInt8](repeating: 0, count: crop.width * crop.height)
      for y in 0..<crop.height {
        let row = base + ((crop.y + y) * image.width + crop.x) * stride
        for x in 0..<crop.width {
          let pixel = row + x * stride
          let value: UInt8
          if band >= 0 {
            value = pixel[band]
          } else if image.layout == .grayAlpha {
            value = pixel[0]
          } else {
            let sum = 19595 * UInt32(pixel[0]) + 38470 * UInt32(pixel[1]) + 7471 * UInt32(pixel[2]) + 0x8000
            value = UInt8(truncatingIfNeeded: sum >> 16)
          }
          plane[y * crop.width + x] = value
        }
      }
      return plane.withUnsafeBufferPointer {
        resample(
          .init(
            base: $0.baseAddress.unsafelyUnwrapped, width: crop.width, height: crop.height,
            rowStride: crop.width))
      }
    }
  }

  /// The float32 value of sample `v` in output channel `c`: the intensity map, then mean and
  /// std, as float32 operations in the documented order.
  @inline(__always)
  private func normalised(_ x: Float, channel c: Int) -> Float {
    let scaled: Float
    switch intensity {
    case .unit: scaled = x
    case .xrv: scaled = (2 * x - 1) * 1024
    }
    return (scaled - Float(mean[c])) / Float(std[c])
  }

  /// Writes 8-bit windows through a 256-entry table per channel (every value is a function of
  /// the sample alone, so the table is exact and the loop is a lookup).
  private func writeBytes(
    _ windows: [[UInt8]], maxValue: Int, geometry: Geometry, into output: UnsafeMutableBufferPointer<Float>
  ) {
    let white = Float(maxValue)
    for c in 0..<channels {
      let table = (0..<256).map { normalised(Float($0) / white, channel: c) }
      let window = windows[windows.count == 1 ? 0 : c]
      place(window, geometry: geometry, channel: c, zero: table[0], into: output) { table[Int($0)] }
    }
  }

  /// Copies `window` (mapped by `value`) to its place in channel `c`; the rest of the channel
  /// (the margin of `pad`) gets `zero`.
  @inline(__always)
  private func place<Sample>(
    _ window: [Sample], geometry: Geometry, channel c: Int, zero: Float,
    into output: UnsafeMutableBufferPointer<Float>, value: (Sample) -> Float
  ) {
    let plane = size * size
    let width = geometry.window.width
    let height = geometry.window.height
    if width != size || height != size {
      for i in c * plane..<(c + 1) * plane { output[i] = zero }
    }
    window.withUnsafeBufferPointer { window in
      for y in 0..<height {
        let target = c * plane + (geometry.placeY + y) * size + geometry.placeX
        let source = y * width
        for x in 0..<width { output[target + x] = value(window[source + x]) }
      }
    }
  }

  // MARK: - Deeper samples

  /// The resampled window of each source plane in raw sample units, and the divisor that maps
  /// them to [0, 1] (`maxValue`, times 65536 for the unrounded luminance).
  private func resampledDeep(_ samples: UnsafeBufferPointer<UInt16>, image: Image, geometry: Geometry)
    -> ([[Double]], Double)
  {
    guard let base = samples.baseAddress else { preconditionFailure("Preprocessing.apply: an empty image") }
    let crop = geometry.crop
    func resample<Sample: FixedWidthInteger & UnsignedInteger>(_ plane: PillowResample.Plane<Sample>)
      -> [Double]
    {
      PillowResample.resampleDouble(
        plane, toWidth: geometry.resizedWidth, height: geometry.resizedHeight, window: geometry.window,
        interpolation: interpolation)
    }
    let white = Double(image.maxValue)
    if image.layout == .gray {
      let plane = PillowResample.Plane(
        base: base + crop.y * image.width + crop.x, width: crop.width, height: crop.height,
        rowStride: image.width)
      return ([resample(plane)], white)
    }
    let stride = image.layout.channels
    let luminance = !usesBands(image.layout) && image.layout != .grayAlpha
    let bands = usesBands(image.layout) ? [0, 1, 2] : [-1]
    let windows = bands.map { band in
      // Sums of 19595 R + 38470 G + 7471 B stay exact in 32 bits (at most 2^32 - 65536).
      var plane = [UInt32](repeating: 0, count: crop.width * crop.height)
      for y in 0..<crop.height {
        let row = base + ((crop.y + y) * image.width + crop.x) * stride
        for x in 0..<crop.width {
          let pixel = row + x * stride
          plane[y * crop.width + x] =
            if band >= 0 {
              UInt32(pixel[band])
            } else if luminance {
              19595 * UInt32(pixel[0]) + 38470 * UInt32(pixel[1]) + 7471 * UInt32(pixel[2])
            } else {
              UInt32(pixel[0])
            }
        }
      }
      return plane.withUnsafeBufferPointer {
        resample(
          PillowResample.Plane(
            base: $0.baseAddress.unsafelyUnwrapped, width: crop.width, height: crop.height,
            rowStride: crop.width))
      }
    }
    return (windows, luminance ? white * 65536 : white)
  }

  /// Writes deep windows: `x = Float(v / divisor)` (one rounding), then the float32 steps.
  private func writeDeep(
    _ windows: [[Double]], divisor: Double, geometry: Geometry, into output: UnsafeMutableBufferPointer<Float>
  ) {
    for c in 0..<channels {
      let window = windows[windows.count == 1 ? 0 : c]
      place(window, geometry: geometry, channel: c, zero: normalised(0, channel: c), into: output) {
        normalised(Float($0 / divisor), channel: c)
      }
    }
  }
}
