import Foundation
import Glibc
import Logging
import StewardCore
import StewardRuntime

/// The model registry as folders: `models/<model id>/` holds `model.json` and `files/`, a copy of
/// the run's model folder. The resource name of a model is the absolute path of its folder.
///
/// An upload copies into a temporary folder `models/.upload-<model id>.<pid>.<random>/` and renames
/// it to `models/<model id>` once complete, so a crash never leaves half a model visible; a model
/// whose folder exists is adopted (the rename fails for the second of two concurrent uploads, which
/// removes its copy). Temporary folders of a Steward that died are removed by the next upload of that id.
public final class LocalModelRegistry: ModelRegistry {
    public let layout: LocalLayout
    private let logger: Logger
    private let now: @Sendable () -> Instant

    /// A registry under `layout`'s root; `now` stamps the models' creation time.
    public init(layout: LocalLayout, logger: Logger,
                now: @escaping @Sendable () -> Instant = { Instant(secondsSinceEpoch: Date().timeIntervalSince1970) }) {
        self.layout = layout
        self.logger = logger
        self.now = now
    }

    /// Every model under `models/`, oldest first.
    public func observeModels() async throws -> [ObservedModel] {
        let layout = self.layout
        let models = try await Blocking.run {
            try LocalFiles.entries(of: layout.models)
                .filter { $0.isDirectory && !$0.name.hasPrefix(".") }
                .compactMap { entry -> ObservedModel? in
                    let folder = layout.model(id: entry.name)
                    return try? ModelRecord.load(folder).observed(in: folder)
                }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
        logger.debug("observed models", metadata: ["models": "\(models.count)"])
        return models
    }

    /// Copies the model folder `request.artifactURI` to `models/<model id>/files/` and records it;
    /// a model of that id that exists is adopted as it is.
    public func upload(_ request: UploadModel) async throws -> StartOutcome {
        guard LocalImageBuilder.isSafeName(request.modelID) else {
            throw RuntimeError(code: "invalid", message: "model id '\(request.modelID)' is not a folder name", disposition: .stalled)
        }
        guard case .success(let artifact) = StorageURI.parse(request.artifactURI) else {
            throw RuntimeError(code: "invalid",
                               message: "the model folder '\(request.artifactURI)' of run '\(request.runID)' is not a gs:// URI",
                               disposition: .stalled)
        }
        let source = layout.path(for: artifact)
        let createdAt = now()
        let outcome = try await Blocking.run { [self] in
            try uploadBlocking(request, source: source, createdAt: createdAt)
        }
        logger.debug("uploaded model", metadata: ["model.id": "\(request.modelID)", "run.id": "\(request.runID)",
                                                  "model.outcome": "\(outcome.rawValue)"])
        return outcome
    }

    private func uploadBlocking(_ request: UploadModel, source: String, createdAt: Instant) throws -> StartOutcome {
        let final = layout.model(id: request.modelID)
        if try Self.isModel(final) { return .adopted }
        guard LocalFiles.isDirectory(source) else {
            throw RuntimeError(code: "not_found",
                               message: "the model folder '\(request.artifactURI)' ('\(source)') of run '\(request.runID)' does not exist; the run must write its model there before it is uploaded",
                               disposition: .stalled)
        }
        try LocalFiles.makeDirectories(layout.models)
        let prefix = ".upload-\(request.modelID)."
        LocalFiles.removeAbandonedFolders(in: layout.models, prefix: prefix)
        let temporary = try LocalFiles.makeTemporaryFolder(in: layout.models, prefix: prefix)
        do {
            try LocalFiles.copyTree(from: source, to: temporary + "/" + ModelRecord.filesName)
            let record = ModelRecord(request: request, createdAt: createdAt)
            try LocalFiles.writeAtomically(record.encoded(), to: temporary + "/" + ModelRecord.fileName)
            if rename(temporary, final) != 0 {
                let err = errno
                guard err == EEXIST || err == ENOTEMPTY else { throw LocalFiles.error("rename into", final, errno: err) }
                // Another upload of the same id finished first.
                LocalFiles.removeTree(temporary)
                guard try Self.isModel(final) else {
                    throw RuntimeError(code: "unavailable", message: "model folder '\(final)' vanished while adopting it")
                }
                return .adopted
            }
        } catch {
            LocalFiles.removeTree(temporary)
            throw error
        }
        return .created
    }

    /// Whether `folder` is a complete model; a folder there without a record is someone else's.
    private static func isModel(_ folder: String) throws -> Bool {
        guard LocalFiles.exists(folder) else { return false }
        guard LocalFiles.isFile(folder + "/" + ModelRecord.fileName) else {
            throw RuntimeError(code: "invalid", message: "'\(folder)' exists without \(ModelRecord.fileName); remove it so that the model can be uploaded",
                               disposition: .stalled)
        }
        return true
    }
}
