import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Releases as folders: `releases/<owner>/<name>/<tag>/` holds `release.json` and `assets/<asset name>`.
///
/// A tag is its folder's name with `%` written `%25`, `/` written `%2F` and a leading `.` written
/// `%2E`, so that every git tag maps to one folder. A release is written in a temporary folder and
/// renamed into place, so it is never seen half made; an existing tag is adopted as it is. An asset
/// is written under a temporary name and linked to its final name, which adopts an existing asset.
public final class LocalReleaseService: ReleaseService {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    /// A release service under `layout`'s root; `now` stamps the releases' creation time.
    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
    }

    /// The folder name of a tag.
    public static func folderName(forTag tag: String) -> String {
        var name = tag.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
        if name.hasPrefix(".") { name = "%2E" + name.dropFirst() }
        return name
    }

    /// The releases of `repositories` (`owner/name`), drafts included, by repository and tag.
    public func observeReleases(repositories: Set<String>) async throws -> [ObservedRelease] {
        let layout = self.layout
        let releases = try await Blocking.run {
            var releases: [ObservedRelease] = []
            for repository in repositories.sorted() where Self.isRepository(repository) {
                let folder = layout.releases(repository: repository)
                for entry in try LocalFiles.entries(of: folder) where entry.isDirectory && !entry.name.hasPrefix(".") {
                    let release = folder + "/" + entry.name
                    guard let record = try? ReleaseRecord.decode(LocalFiles.read(release + "/" + ReleaseRecord.fileName)) else { continue }
                    let assets = try LocalFiles.entries(of: release + "/" + ReleaseRecord.assetsName)
                        .filter { !$0.isDirectory && !$0.name.hasPrefix(".") }
                        .map(\.name)
                        .sorted()
                    releases.append(ObservedRelease(repository: record.repository, tag: record.tag, id: record.id,
                                                    draft: record.draft, assets: assets))
                }
            }
            return releases.sorted { ($0.repository, $0.tag) < ($1.repository, $1.tag) }
        }
        logger.debug("observed releases", metadata: ["releases": "\(releases.count)"])
        return releases
    }

    /// Records the release; a release of that tag is adopted as it is.
    public func create(_ request: CreateRelease) async throws -> StartOutcome {
        let final = try releaseFolder(request.repository, request.tag)
        let record = ReleaseRecord(request: request, createdAt: now())
        let outcome = try await Blocking.run { () throws -> StartOutcome in
            if LocalFiles.isFile(final + "/" + ReleaseRecord.fileName) { return .adopted }
            let parent = LocalFiles.parent(of: final)
            try LocalFiles.makeDirectories(parent)
            let prefix = ".create-" + Self.folderName(forTag: request.tag).replacingOccurrences(of: ".", with: "%2E") + "."
            LocalFiles.removeAbandonedFolders(in: parent, prefix: prefix)
            let temporary = try LocalFiles.makeTemporaryFolder(in: parent, prefix: prefix)
            defer { LocalFiles.removeTree(temporary) }
            try LocalFiles.makeDirectories(temporary + "/" + ReleaseRecord.assetsName)
            try LocalFiles.writeAtomically(record.encoded(), to: temporary + "/" + ReleaseRecord.fileName)
            if rename(temporary, final) == 0 { return .created }
            let err = errno
            guard err == EEXIST || err == ENOTEMPTY else { throw LocalFiles.error("rename into", final, errno: err) }
            // Another create of the same tag finished first, or the folder is no release.
            guard LocalFiles.isFile(final + "/" + ReleaseRecord.fileName) else {
                throw RuntimeError(code: "invalid", message: "'\(final)' exists without \(ReleaseRecord.fileName); remove it so that the release can be created",
                                   disposition: .stalled)
            }
            return .adopted
        }
        logger.debug("created release", metadata: ["release.repository": "\(request.repository)", "release.tag": "\(request.tag)",
                                                   "release.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    /// Writes `bytes` as `assets/<name>` of the release; an asset of that name is adopted as it is.
    /// The content type is not kept: files have none.
    public func uploadAsset(_ request: UploadAsset, bytes: [UInt8], contentType: String) async throws -> StartOutcome {
        let folder = try releaseFolder(request.repository, request.tag)
        guard LocalImageBuilder.isSafeName(request.name) else {
            throw RuntimeError(code: "invalid", message: "asset name '\(request.name)' is not a file name", disposition: .stalled)
        }
        let outcome = try await Blocking.run { () throws -> StartOutcome in
            guard LocalFiles.isFile(folder + "/" + ReleaseRecord.fileName) else {
                throw RuntimeError(code: "not_found",
                                   message: "release '\(request.tag)' of '\(request.repository)' does not exist; create it before uploading '\(request.name)'")
            }
            let assets = folder + "/" + ReleaseRecord.assetsName
            try LocalFiles.makeDirectories(assets)
            return try LocalFiles.createExclusively(bytes, at: assets + "/" + request.name) ? .created : .adopted
        }
        logger.debug("uploaded release asset", metadata: ["release.repository": "\(request.repository)", "release.tag": "\(request.tag)",
                                                          "release.asset": "\(request.name)", "release.asset.bytes": "\(bytes.count)",
                                                          "release.asset.type": "\(contentType)", "release.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    // MARK: - Names

    private func releaseFolder(_ repository: String, _ tag: String) throws -> String {
        guard Self.isRepository(repository) else {
            throw RuntimeError(code: "invalid", message: "repository '\(repository)' is not of the form owner/name", disposition: .stalled)
        }
        guard !tag.isEmpty, !tag.contains("\0") else {
            throw RuntimeError(code: "invalid", message: "release tag '\(tag)' of '\(repository)' is not a tag name", disposition: .stalled)
        }
        return layout.releases(repository: repository) + "/" + Self.folderName(forTag: tag)
    }

    private static func isRepository(_ repository: String) -> Bool {
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { LocalImageBuilder.isSafeName(String($0)) }
    }
}
