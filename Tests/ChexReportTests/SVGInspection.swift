import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// Parses an SVG document and records what the tests check: the root element, every numeric
/// attribute, and the text content.
final class SVGInspector: NSObject, XMLParserDelegate {
  var root: (name: String, attributes: [String: String])?
  var elementCounts: [String: Int] = [:]
  var badNumbers: [String] = []
  var text = ""
  private var current = ""

  static let numeric: Set<String> = [
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "stroke-width", "font-size",
  ]

  func parser(
    _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
    attributes: [String: String] = [:]
  ) {
    current = ""
    if root == nil { root = (name, attributes) }
    elementCounts[name, default: 0] += 1
    for (key, value) in attributes {
      if Self.numeric.contains(key), name != "svg" || !value.hasSuffix("%") {
        if Double(value).map(\.isFinite) != true { badNumbers.append("\(name) \(key)=\(value)") }
      }
      if key == "points" || key == "viewBox" {
        let numbers = value.split(whereSeparator: { $0 == " " || $0 == "," })
        if numbers.contains(where: { Double($0).map(\.isFinite) != true }) {
          badNumbers.append("\(name) \(key)=\(value)")
        }
      }
    }
  }

  func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

  func parser(
    _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
  ) {
    if !current.isEmpty { text += current + "\n" }
    current = ""
  }
}

extension XCTestCase {
  /// Asserts that `svg` is well-formed XML with an SVG 1.1 root and only finite numbers, and
  /// returns what the parser saw.
  @discardableResult
  func assertValidSVG(
    _ svg: String, file: StaticString = #filePath, line: UInt = #line
  ) -> SVGInspector {
    let inspector = SVGInspector()
    let parser = XMLParser(data: Data(svg.utf8))
    parser.delegate = inspector
    XCTAssertTrue(
      parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line
    )
    XCTAssertEqual(inspector.root?.name, "svg", file: file, line: line)
    XCTAssertEqual(inspector.root?.attributes["xmlns"], "http://www.w3.org/2000/svg", file: file, line: line)
    XCTAssertEqual(inspector.root?.attributes["version"], "1.1", file: file, line: line)
    XCTAssertNotNil(inspector.root?.attributes["viewBox"], file: file, line: line)
    XCTAssertEqual(inspector.badNumbers, [], file: file, line: line)
    let lower = svg.lowercased()
    XCTAssertFalse(lower.contains("nan"), "output contains nan", file: file, line: line)
    XCTAssertFalse(lower.contains("inf"), "output contains inf", file: file, line: line)
    // Self-contained: no scripts, stylesheets, external references or web fonts.
    for forbidden in ["<script", "<style", "href", "@import", "url("] {
      XCTAssertFalse(svg.contains(forbidden), "output contains \(forbidden)", file: file, line: line)
    }
    return inspector
  }
}
