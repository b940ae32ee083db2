/// Midranks and tie groups.
enum Ranking {
  /// Ranks 1...n with ties given the average of the ranks they span.
  /// - Complexity: O(n log n).
  static func midranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
      let average = Double(start + end) / 2 + 1
      for k in start...end { ranks[order[k]] = average }
      start = end + 1
    }
    return ranks
  }

  /// The sizes of the groups of equal values (1 for an untied value).
  /// - Complexity: O(n log n).
  static func tieGroupSizes(_ values: [Double]) -> [Int] {
    let sorted = values.sorted()
    var sizes: [Int] = []
    var start = 0
    while start < sorted.count {
      var end = start
      while end + 1 < sorted.count && sorted[end + 1] == sorted[start] { end += 1 }
      sizes.append(end - start + 1)
      start = end + 1
    }
    return sizes
  }
}
