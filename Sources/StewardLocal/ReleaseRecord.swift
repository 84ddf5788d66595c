import Foundation
import StewardCore

/// `releases/<owner>/<name>/<tag>/release.json`: a release. Its assets are files in `assets/` beside it.
struct ReleaseRecord: Sendable, Hashable, LocalRecord {
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

}
