import Foundation
import StewardCore

/// `releases/<owner>/<name>/<tag>/release.json`: a release. Its assets are files in `assets/` beside it.
struct ReleaseRecord: Sendable, Hashable, Codable {
    static let fileName = "release.json"
    static let assetsName = "assets"

    var repository: String
    var tag: String
    var name: String
    var body: String
    var commit: String
    var draft: Bool
    var prerelease: Bool
    /// `<owner>/<name>@<tag>`.
    var id: String
    var createdAt: Instant

    init(request: CreateRelease, createdAt: Instant) {
        repository = request.repository
        tag = request.tag
        name = request.name
        body = request.body
        commit = request.commit
        draft = request.draft
        prerelease = request.prerelease
        id = "\(request.repository)@\(request.tag)"
        self.createdAt = createdAt
    }

    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self)) + [0x0A]
    }

    static func decode(_ bytes: [UInt8]) throws -> ReleaseRecord {
        try JSONDecoder().decode(ReleaseRecord.self, from: Data(bytes))
    }
}
