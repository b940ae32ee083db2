import ChexImaging
import Dispatch
import Synchronization

/// Decoding and preprocessing of listed images: what `score` feeds the models and `preprocess`
/// writes, by the same code.
public struct ImagePreparation: Sendable {
  public let preprocessing: Preprocessing

  public init(preprocessing: Preprocessing) { self.preprocessing = preprocessing }

  /// Decodes `entry`'s file and writes its tensor (`preprocessing.elementCount` floats) to `slot`.
  /// - Throws: `ScoringError.image` with the decoder's sentence, which names the file.
  public func prepare(_ entry: ImageList.Entry, into slot: UnsafeMutableBufferPointer<Float>)
    throws(ScoringError)
  {
    let image: Image
    do throws(ImageError) {
      image = try ImageDecoder.decode(path: entry.file)
    } catch {
      throw .image(path: entry.file, reason: error.description)
    }
    preprocessing.apply(image, into: slot)
  }

  /// Prepares `entries` into one array, image `i` at `i * perImage`, on `threads` threads
  /// taking images in turn. An image that fails leaves its slot zero and its error under its
  /// index; the others are prepared all the same.
  ///
  /// - Complexity: the images' decoding and preprocessing, divided by the threads.
  public static func prepare(
    _ entries: ArraySlice<ImageList.Entry>, perImage: Int, threads: Int,
    by prepare: @Sendable (ImageList.Entry, UnsafeMutableBufferPointer<Float>) throws(ScoringError) -> Void
  ) -> (input: [Float], errors: [Int: ScoringError]) {
    let entries = Array(entries)
    var input = [Float](repeating: 0, count: entries.count * perImage)
    let errors = Mutex<[Int: ScoringError]>([:])
    input.withUnsafeMutableBufferPointer { buffer in
      let shared = DisjointSlots(buffer: buffer)
      let workers = max(1, min(threads, entries.count))
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for index in stride(from: worker, to: entries.count, by: workers) {
          let slot = UnsafeMutableBufferPointer(
            rebasing: shared.buffer[(index * perImage)..<((index + 1) * perImage)])
          do throws(ScoringError) {
            try prepare(entries[index], slot)
          } catch {
            errors.withLock { $0[index] = error }
          }
        }
      }
    }
    return (input, errors.withLock { $0 })
  }
}

/// A buffer whose disjoint slots the workers of `concurrentPerform` fill, one image each.
private struct DisjointSlots: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Float>
}
