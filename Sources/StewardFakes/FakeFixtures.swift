import Foundation

/// The contract fragments the fakes check requests against (`Fixtures/`: Google discovery fragments and GitHub's
/// releases fragment, copied from the API contracts). The target excludes the folder; the files are read from the
/// source tree, as the fakes only ever run in this package's tests.
enum FakeFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }
}
