import ChexScoring
import ChexTestSupport
import XCTest

final class ImageListTests: XCTestCase {
  func testPathsResolveUnderTheRootInListOrder() throws {
    let folder = TemporaryFolder()
    let list = try folder.write(
      "valid.csv",
      "Path,Sex,Cardiomegaly\nCheXpert-v1.0-small/valid/patient1/study1/view1_frontal.jpg,Male,1\n./b/./c.png,Female,0\n"
    )
    let loaded = try ImageList.load(path: list, root: "/data/")
    XCTAssertEqual(
      loaded.entries.map(\.path),
      ["CheXpert-v1.0-small/valid/patient1/study1/view1_frontal.jpg", "./b/./c.png"])
    XCTAssertEqual(
      loaded.entries.map(\.file),
      ["/data/CheXpert-v1.0-small/valid/patient1/study1/view1_frontal.jpg", "/data/b/c.png"])
    XCTAssertEqual(loaded.entries.map(\.line), [2, 3])
    // Python 3.11 hashlib.sha256 of the same bytes.
    XCTAssertEqual(loaded.sha256, "7b2bed4aaf3c542c04e0d24b5345fd50fe98aebd04e10d5352a0273611d7b2d7")
  }

  func testPathsThatLeaveTheRootAreRefusedNamingTheLine() throws {
    let folder = TemporaryFolder()
    for (path, words) in [
      ("../secret.png", "leads outside"), ("a/../../secret.png", "leads outside"),
      ("/etc/passwd", "absolute path"),
      ("", "empty"), ("a/..", "root itself"),
    ] {
      let list = try folder.write("list.csv", "Path\nok.png\n\"\(path)\"\n")
      XCTAssertThrowsError(try ImageList.load(path: list, root: "images")) { error in
        XCTAssertTrue("\(error)".contains("line 3"), "\(error)")
        XCTAssertTrue("\(error)".contains(words), "\(path): \(error)")
      }
    }
    // Going down and up again inside the root is fine.
    let inside = try folder.write("inside.csv", "Path\na/../b.png\n")
    XCTAssertEqual(try ImageList.load(path: inside, root: "images").entries.map(\.file), ["images/b.png"])
  }

  func testAListWithoutPathOrWithDuplicatesIsRefused() throws {
    let folder = TemporaryFolder()
    let noPath = try folder.write("a.csv", "Study,Edema\nx,1\n")
    XCTAssertThrowsError(try ImageList.load(path: noPath, root: ".")) { error in
      XCTAssertTrue(
        "\(error)".contains("expected a 'Path' column, found the columns 'Study', 'Edema'"), "\(error)")
    }
    let twice = try folder.write("b.csv", "Path\nx.png\ny.png\nx.png\n")
    XCTAssertThrowsError(try ImageList.load(path: twice, root: ".")) { error in
      XCTAssertTrue("\(error)".contains("line 4: 'x.png' is listed twice (first on line 2)"), "\(error)")
    }
    let empty = try folder.write("c.csv", "Path\n")
    XCTAssertThrowsError(try ImageList.load(path: empty, root: "."))
    XCTAssertThrowsError(try ImageList.load(path: folder.file("missing.csv"), root: ".")) { error in
      XCTAssertTrue("\(error)".contains("missing.csv"), "\(error)")
    }
  }
}
