import Logging
import StewardArchive
import StewardCore
import StewardRuntime

/// A Pipeline's checks as Cloud Build builds that run the command in the Pipeline's image.
///
/// The context at the commit, its modules folder included, is packed and staged create-if-absent at
/// `<staging>/steward/sources/check-<key>.tar.gz`. The build's one step is the built image
/// (`IMAGE:TREE`) with `entrypoint: /bin/sh` and `args: [-c, COMMAND]` in the workspace, where the
/// context is unpacked, as the command runs locally. Builds take no labels and no client-chosen id, so a
/// check is tagged `steward-check` (never mistaken for an image build, which pushes an image), with its id
/// (`steward-check-id-…`, so a start lists it before creating and never duplicates it), key, name,
/// attempt and Pipeline. Logs go to `logsBucket` (the staging bucket); a failed check's message is the
/// tail of `gs://<logsBucket>/log-<build id>.txt`. A produced template is uploaded with
/// `artifacts.objects` to the request's `templateDestination` and read back for its digest.
///
/// `FAILURE` is the command's verdict (a result); `INTERNAL_ERROR`, `TIMEOUT` and `EXPIRED` mean the check
/// could not run, and it is started again as a new attempt.
public struct CloudBuildCheckService: CheckService {
    public static let checkTag = "steward-check"
    static let idTagPrefix = "steward-check-id-"
    static let nameTagPrefix = "steward-check-name-"
    static let attemptTagPrefix = "steward-attempt-"
    /// How many lines of the log a failed check reports.
    static let logLines = 20

    public let client: CloudBuildClient
    public let staging: StorageURI
    private let objects: any ObjectStore
    private let logger: Logger

    public init(client: CloudBuildClient, staging: StorageURI, objects: any ObjectStore, logger: Logger) {
        self.client = client
        self.staging = staging
        self.objects = objects
        self.logger = logger
    }

    public func observeChecks() async throws -> [ObservedCheck] {
        let builds = try await client.allBuilds(filter: "tags=\(ListFilter.quoted(Self.checkTag))")
        // One listing of the stored templates gives every produced spec's digest, however many Pipelines there are.
        let producesTemplates = builds.contains { $0.status == .success && $0.artifacts?.objects?.location != nil }
        let stored = producesTemplates ? try await objects.list(staging.appending("steward/templates"), delimiter: nil).objects : []
        let digests = Dictionary(stored.map { ($0.uri, $0.contentHash) }, uniquingKeysWith: { a, _ in a })
        // The planner judges a check by its newest attempt: only that one's log is worth a read.
        var newest: [String: Int] = [:]
        for check in builds.compactMap(Self.observedCheck) {
            let slot = check.pipeline + "/" + check.name + "/" + check.key
            newest[slot] = max(newest[slot] ?? 0, check.attempt)
        }
        var checks: [ObservedCheck] = []
        for build in builds {
            guard var check = Self.observedCheck(build) else { continue }
            let isNewest = newest[check.pipeline + "/" + check.name + "/" + check.key] == check.attempt
            if check.state == .failed, check.failedByResult, isNewest, let id = build.id, let bucket = build.logsBucket,
               let logs = try? StorageURI.parse(bucket).get() {
                let log = try? await objects.read(logs.appending("log-\(id).txt"))
                if let tail = log.map({ Self.tail(String(decoding: $0, as: UTF8.self)) }), !tail.isEmpty {
                    check.message = (check.message ?? "failed") + "; last lines of its output:\n" + tail
                }
            }
            if check.state == .succeeded, let location = build.artifacts?.objects?.location,
               let path = build.artifacts?.objects?.paths?.first, let folder = try? StorageURI.parse(location).get() {
                let template = folder.appending(path.split(separator: "/").last.map(String.init) ?? path)
                do {
                    if let listed = digests[template], let digest = listed {
                        check.templateDigest = digest
                    } else {
                        // Not under the listed prefix, or listed without a digest: read it.
                        check.templateDigest = ContentKey.digest(of: try await objects.read(template))
                    }
                    check.template = template
                } catch let error as RuntimeError where error.isNotFound {
                    check.state = .failed
                    check.failedByResult = true
                    check.message = "the build succeeded but uploaded no template '\(path)' to '\(location)'"
                }
            }
            checks.append(check)
        }
        return checks.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func start(_ request: RunCheck, source: any Source) async throws -> StartOutcome {
        let metadata: Logger.Metadata = ["check": "\(request.checkID)", "pipeline": "\(request.pipeline)"]
        let idTag = CloudBuildImageBuilder.tag(Self.idTagPrefix, request.checkID)
        if let existing = try await client.allBuilds(filter: "tags=\(ListFilter.quoted(idTag))").first {
            logger.debug("adopted check build", metadata: metadata.merging(["build": "\(existing.id ?? "")"]) { $1 })
            return .adopted
        }
        let object = staging.appending("steward/sources/check-\(request.key).tar.gz")
        let files = try await source.files(under: request.context, excluding: nil, at: request.commit)
        let archive = try TarGzip.pack(files: files.map { (path: $0.path, bytes: $0.bytes, executable: $0.executable) })
        _ = try await objects.create(object, bytes: archive, contentType: "application/gzip")

        var artifacts: CloudBuild.Artifacts?
        if let template = request.template, let destination = request.templateDestination {
            // The template is relative to the context, which is the workspace.
            artifacts = .init(objects: .init(location: destination.description + "/", paths: [template.value]))
        }
        let body = CloudBuild.Build(
            source: .init(storageSource: .init(bucket: object.bucket, object: object.path)),
            steps: [.init(name: request.image, args: ["-c", request.command], dir: ".", entrypoint: "/bin/sh")],
            tags: [Self.checkTag, idTag, CloudBuildImageBuilder.tag(CloudBuildImageBuilder.keyTagPrefix, request.key),
                   CloudBuildImageBuilder.tag(Self.nameTagPrefix, request.name),
                   CloudBuildImageBuilder.tag(Self.attemptTagPrefix, String(request.attempt)),
                   CloudBuildImageBuilder.tag(CloudBuildImageBuilder.resourceTagPrefix, request.pipeline)],
            timeout: "\(max(1, Int(request.timeout.rounded(.up))))s",
            logsBucket: "gs://\(staging.bucket)",
            artifacts: artifacts)
        let operation = try await client.createBuild(body)
        guard let build = try CloudBuildClient.build(of: operation) else {
            throw RuntimeError(code: "invalid_response", message: "cloudbuild: the create of check '\(request.checkID)' returned no build")
        }
        logger.debug("started check build", metadata: metadata.merging(["build": "\(build.id ?? "")"]) { $1 })
        return .created
    }

    /// A check build as an observed check; nil for a build without Steward's check tags.
    static func observedCheck(_ build: CloudBuild.Build) -> ObservedCheck? {
        let tags = build.tags ?? []
        func value(_ prefix: String) -> String? { tags.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) } }
        guard tags.contains(checkTag), let id = value(idTagPrefix), let name = value(nameTagPrefix),
              let key = value(CloudBuildImageBuilder.keyTagPrefix),
              let pipeline = value(CloudBuildImageBuilder.resourceTagPrefix) else { return nil }
        let attempt = value(attemptTagPrefix).flatMap(Int.init) ?? 1
        let status = build.status ?? .unknown
        var state = CloudBuildImageBuilder.workState(status)
        if status == .cancelled { state = .cancelled }
        let detail = build.failureInfo?.detail ?? build.statusDetail
        var message: String?
        switch status {
        case .failure: message = detail ?? "the command failed"
        case .internalError, .timeout, .expired: message = "the check could not run: build \(status.rawValue)" + (detail.map { ": \($0)" } ?? "")
        default: break
        }
        return ObservedCheck(id: id, pipeline: pipeline, name: name, key: key, attempt: attempt, state: state,
                             message: message, failedByResult: status == .failure,
                             createdAt: (build.createTime ?? build.startTime).flatMap(Instant.init(rfc3339:)) ?? Instant(millisecondsSinceEpoch: 0),
                             finishedAt: build.finishTime.flatMap(Instant.init(rfc3339:)))
    }

    static func tail(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(logLines + 1).joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
