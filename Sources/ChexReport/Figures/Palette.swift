/// Colours and marker shapes for figure series.
///
/// Colours are Okabe and Ito's palette for colour-blind readers ("Color Universal Design",
/// 2002), ordered so that the first few are the most distinct on white; yellow comes last
/// because it is faint on a white background. Series beyond the eighth reuse the colours with
/// the next marker shape, so no two of the first 32 series look alike.
///
/// [Okabe & Ito 2002]: https://jfly.uni-koeln.de/color/
enum Palette {
  /// Blue, vermillion, bluish green, reddish purple, orange, sky blue, black, yellow.
  static let colours = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
  ]

  /// Grey for axes, gridlines and neutral legend samples.
  static let axis = "#333333"
  static let grid = "#E6E6E6"
  static let neutral = "#555555"
  static let text = "#222222"

  /// The colour of series `index` (any index >= 0).
  static func colour(_ index: Int) -> String {
    colours[index % colours.count]
  }

  /// The marker of series `index` when colours alone might repeat.
  static func marker(_ index: Int) -> MarkerShape {
    MarkerShape.allCases[(index / colours.count) % MarkerShape.allCases.count]
  }
}

/// A point marker.
enum MarkerShape: CaseIterable, Sendable {
  case circle, square, triangle, diamond
}
