import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// Images as folders: `images/<tree>/` holds the image context exported at a commit (without the
/// modules folder), after `local.build` ran once inside it, and `.steward-image.json`.
///
/// A build exports into a temporary folder, records itself `running`, and renames the folder to
/// `images/<tree>/` *before* `local.build` runs, so that absolute paths the build writes (virtual
/// environments, say) stay valid. The builder holds an exclusive lock on the folder from before the
/// rename until the record says `succeeded` or `failed`; a `running` record whose lock is free
/// was left by a builder that died, and the next `build` replaces it.
public final class LocalImageBuilder: ImageBuilder {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
    }

    public func observe(names: Set<String>) async throws -> [ObservedImage] {
        guard !names.isEmpty else { return [] }
        let folder = layout.images
        return try await Blocking.run {
            var images: [ObservedImage] = []
            // One listing of images/, then each folder's record.
            for entry in try LocalFiles.entries(of: folder) where entry.isDirectory && !entry.name.hasPrefix(".") {
                let path = folder + "/" + entry.name
                guard let record = try? ImageRecord.decode(LocalFiles.read(path + "/" + ImageRecord.fileName)) else { continue }
                let wanted = record.names.filter { names.contains($0) }
                guard !wanted.isEmpty else { continue }
                if record.state == .running, let lock = DirectoryLock.tryAcquire(path) {
                    // Nobody builds it: an interrupted build, which the next `build` replaces.
                    lock.release()
                    continue
                }
                images += wanted.map { record.observed(as: $0) }
            }
            return images.sorted { ($0.name, $0.tree) < ($1.name, $1.tree) }
        }
    }

    public func build(_ request: BuildImage, key: String, source: any Source) async throws -> ObservedImage {
        let final = layout.image(tree: request.tree)
        let metadata: Logger.Metadata = ["image": "\(request.reference)", "pipeline": "\(request.pipeline)"]
        guard Self.isSafeName(request.tree) else {
            throw RuntimeError(code: "invalid", message: "image tree '\(request.tree)' is not a folder name", disposition: .stalled)
        }

        if let adopted = try await Blocking.run({ try Self.adopt(final, name: request.imageName, build: request.localBuild) }) {
            logger.debug("adopted image", metadata: metadata)
            return adopted.observed(as: request.imageName)
        }

        let images = layout.images
        let temporary = try await Blocking.run {
            try LocalFiles.makeDirectories(images)
            Self.removeAbandonedFolders(in: images, tree: request.tree)
            let path = "\(images)/.build-\(request.tree).\(getpid()).\(LocalFiles.randomSuffix())"
            guard mkdir(path, 0o755) == 0 else { throw LocalFiles.error("create the folder", path, errno: errno) }
            return path
        }
        do {
            try await source.export(request.context, excluding: request.excluding, at: request.commit, to: temporary)
        } catch {
            try? await Blocking.run { LocalFiles.removeTree(temporary) }
            throw error
        }

        let startedAt = now()
        let now = self.now
        let logger = self.logger
        let build = ChildProcess()
        let record = try await withTaskCancellationHandler {
          try await Blocking.run { () throws -> ImageRecord in
            var record = ImageRecord(names: [request.imageName], tree: request.tree, commit: request.commit, key: key,
                                     pipeline: request.pipeline, context: request.context.value,
                                     state: request.localBuild == nil ? .succeeded : .running,
                                     startedAt: startedAt, finishedAt: request.localBuild == nil ? startedAt : nil,
                                     build: request.localBuild)
            // Locked before the rename: the lock follows the folder, so no one sees it `running` and unlocked.
            let lock = try DirectoryLock.acquire(temporary)
            defer { lock.release() }
            try LocalFiles.writeAtomically(record.encoded(), to: temporary + "/" + ImageRecord.fileName)
            if rename(temporary, final) != 0 {
                let err = errno
                LocalFiles.removeTree(temporary)
                guard err == EEXIST || err == ENOTEMPTY else { throw LocalFiles.error("rename into", final, errno: err) }
                // Another builder finished (or started) the same tree first: adopt its image.
                lock.release()
                guard let adopted = try Self.adopt(final, name: request.imageName, build: request.localBuild) else {
                    throw RuntimeError(code: "unavailable", message: "image folder '\(final)' vanished while adopting it")
                }
                return adopted
            }
            guard let command = request.localBuild else { return record }

            logger.debug("running local.build", metadata: ["image": "\(request.reference)"])
            let logPath = final + "/" + ImageRecord.buildLogName
            let pid = try ProcessLauncher.spawnShell(script: #"cd "$1" && exec /bin/sh -c "$2""#, name: "steward-build",
                                                     arguments: [final, command],
                                                     environment: ProcessInfo.processInfo.environment, logPath: logPath)
            build.started(pid)
            let code = ProcessLauncher.wait(for: pid)
            // Cancelled (the service is stopping): the record stays `running` and the lock is released, which is
            // how an interrupted build looks; the next build replaces it.
            if build.wasCancelled { throw CancellationError() }
            record.finishedAt = now()
            if code == 0 {
                record.state = .succeeded
            } else {
                record.state = .failed
                let tail = LocalFiles.tail(logPath).map { $0.isEmpty ? "" : ":\n\($0)" } ?? ""
                record.message = "local.build exited with code \(code)\(tail)"
            }
            try LocalFiles.writeAtomically(record.encoded(), to: final + "/" + ImageRecord.fileName)
            return record
          }
        } onCancel: {
            build.cancel()
        }
        logger.debug("built image", metadata: metadata.merging(["image.state": "\(record.state.rawValue)"]) { $1 })
        return record.observed(as: request.imageName)
    }

    /// The record of an existing image folder, with `name` added when new; nil when there is no
    /// folder, or only the remains of an interrupted build (which are removed).
    private static func adopt(_ folder: String, name: String, build: String?) throws -> ImageRecord? {
        guard LocalFiles.isDirectory(folder) else { return nil }
        // Waits for a build in progress to finish.
        let lock = try DirectoryLock.acquire(folder)
        defer { lock.release() }
        let recordPath = folder + "/" + ImageRecord.fileName
        guard LocalFiles.exists(recordPath) else {
            throw RuntimeError(code: "invalid",
                               message: "'\(folder)' exists without \(ImageRecord.fileName); remove it so that the image can be built again",
                               disposition: .stalled)
        }
        var record = try ImageRecord.decode(LocalFiles.read(recordPath))
        // We hold the lock, so a `running` record's builder is gone: start over. A build that failed with another
        // `local.build` command than the one asked for now is replaced too.
        if record.state == .running || (record.state == .failed && record.build != nil && record.build != build) {
            let stale = LocalFiles.parent(of: folder) + "/.stale-\(record.tree).\(LocalFiles.randomSuffix())"
            if rename(folder, stale) == 0 { LocalFiles.removeTree(stale) }
            return nil
        }
        if !record.names.contains(name) {
            record.names.append(name)
            record.names.sort()
            try LocalFiles.writeAtomically(record.encoded(), to: recordPath)
        }
        return record
    }

    /// Temporary folders of builds whose Steward process is gone (a crash during the export).
    private static func removeAbandonedFolders(in images: String, tree: String) {
        let prefix = ".build-\(tree)."
        for entry in (try? LocalFiles.entries(of: images)) ?? [] where entry.name.hasPrefix(prefix) {
            let rest = entry.name.dropFirst(prefix.count)
            guard let pid = rest.split(separator: ".").first.flatMap({ Int32($0) }) else { continue }
            if pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH {
                LocalFiles.removeTree(images + "/" + entry.name)
            }
        }
        for entry in (try? LocalFiles.entries(of: images)) ?? [] where entry.name.hasPrefix(".stale-\(tree).") {
            LocalFiles.removeTree(images + "/" + entry.name)
        }
    }

    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\0")
    }
}
