import Logging
import StewardArchive
import StewardCore
import StewardRuntime

/// Container images built by Cloud Build from a tar.gz of the image context.
///
/// The context (without the modules folder) at the commit is packed deterministically and staged,
/// create-if-absent, at `<staging>/steward/sources/<tree>.tar.gz`. The build runs
/// `docker build -t IMAGE:TREE -f DOCKERFILE .` and pushes `IMAGE:TREE`. Builds carry the tags
/// `steward-managed`, `steward-tree-<tree>`, `steward-key-<key>` and `steward-resource-<pipeline>`: builds
/// take no client-chosen id, so `build` lists the key's tag first and adopts a build that is queued, working
/// or succeeded.
public struct CloudBuildImageBuilder: ImageBuilder {
    /// The tag on every build Steward starts.
    public static let managedTag = StewardLabel.managed
    /// Tag prefixes: builds take tags, not labels, so each label becomes `<label>-<value>`.
    static let keyTagPrefix = StewardLabel.key + "-"
    static let resourceTagPrefix = StewardLabel.resource + "-"
    static let treeTagPrefix = "steward-tree-"
    /// The builder image of the build step.
    public static let dockerBuilder = "gcr.io/cloud-builders/docker"
    /// The name given to a Dockerfile that lies outside the context, inside the archive.
    public static let outsideDockerfileName = ".steward.Dockerfile"

    public let client: CloudBuildClient
    /// Where sources are staged (the Project's `bucket`).
    public let staging: StorageURI
    private let objects: any ObjectStore
    private let logger: Logger

    public init(client: CloudBuildClient, staging: StorageURI, objects: any ObjectStore, logger: Logger) {
        self.client = client
        self.staging = staging
        self.objects = objects
        self.logger = logger
    }

    public func observe(names: Set<String>) async throws -> [ObservedImage] {
        guard !names.isEmpty else { return [] }
        let builds = try await client.allBuilds(filter: "tags=\(ListFilter.quoted(Self.managedTag))")
        // One image per name and tree: a succeeded build first, then one in progress, then the newest.
        var chosen: [String: ObservedImage] = [:]
        for build in builds {
            guard let image = Self.observedImage(build), names.contains(image.name) else { continue }
            let slot = image.name + ":" + image.tree
            if let current = chosen[slot], Self.rank(current.state) <= Self.rank(image.state) { continue }
            chosen[slot] = image
        }
        return chosen.values.sorted { ($0.name, $0.tree) < ($1.name, $1.tree) }
    }

    public func build(_ request: BuildImage, key: String, source: any Source) async throws -> ObservedImage {
        let metadata: Logger.Metadata = ["image": "\(request.reference)", "pipeline": "\(request.pipeline)"]
        let existing = try await client.allBuilds(filter: "tags=\(ListFilter.quoted(Self.tag(Self.keyTagPrefix, key)))")
        for build in existing {
            guard let image = Self.observedImage(build), image.name == request.imageName, image.tree == request.tree,
                  image.state != .failed, image.state != .cancelled else { continue }
            logger.debug("adopted image build", metadata: metadata.merging(["build": "\(build.id ?? "")"]) { $1 })
            return image
        }

        let object = staging.appending("steward/sources/\(request.tree).tar.gz")
        var files = try await source.files(under: request.context, excluding: request.excluding, at: request.commit)
        let dockerfile: String
        if let relative = request.context.relative(request.dockerfile), !relative.isEmpty {
            dockerfile = relative
        } else {
            dockerfile = Self.outsideDockerfileName
            files.removeAll { $0.path == dockerfile }
            files.append(SourceFile(path: dockerfile, bytes: try await source.read(request.dockerfile, at: request.commit)))
        }
        let archive = try TarGzip.pack(files: files.map { (path: $0.path, bytes: $0.bytes, executable: $0.executable) })
        let created = try await objects.create(object, bytes: archive, contentType: "application/gzip")
        logger.debug("staged build source", metadata: metadata.merging(["object": "\(object)", "created": "\(created)"]) { $1 })

        let body = CloudBuild.Build(
            source: .init(storageSource: .init(bucket: object.bucket, object: object.path)),
            steps: [.init(name: Self.dockerBuilder, args: ["build", "-t", request.reference, "-f", dockerfile, "."])],
            images: [request.reference],
            tags: [Self.managedTag, Self.tag(Self.treeTagPrefix, request.tree), Self.tag(Self.keyTagPrefix, key),
                   Self.tag(Self.resourceTagPrefix, request.pipeline)])
        let operation = try await client.createBuild(body)
        guard let build = try CloudBuildClient.build(of: operation), let image = Self.observedImage(build) else {
            throw RuntimeError(code: "invalid_response", message: "cloudbuild: the create of '\(request.reference)' returned no build")
        }
        logger.debug("started image build", metadata: metadata.merging(["build": "\(build.id ?? "")"]) { $1 })
        return image
    }

    // MARK: Mapping

    /// A tag: `prefix` + `value`, with characters Cloud Build refuses turned into `_`, at most 128 characters.
    static func tag(_ prefix: String, _ value: String) -> String {
        let cleaned = (prefix + value).unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "-": Character(scalar)
            default: "_"
            }
        }
        return String(String(cleaned).prefix(128))
    }

    /// A build of an image as an observed image; nil for builds that push no image.
    static func observedImage(_ build: CloudBuild.Build) -> ObservedImage? {
        guard let reference = build.images?.first else { return nil }
        let (name, imageTag) = split(reference)
        let treeTag = build.tags?.first { $0.hasPrefix(treeTagPrefix) }.map { String($0.dropFirst(treeTagPrefix.count)) }
        guard let tree = treeTag ?? imageTag else { return nil }
        let state = workState(build.status ?? .unknown)
        let message = state == .failed || state == .cancelled
            ? (build.failureInfo?.detail ?? build.statusDetail ?? "build \(build.status?.rawValue ?? "ended")") : nil
        return ObservedImage(name: name, tree: tree, state: state, buildID: build.id,
                             startedAt: (build.startTime ?? build.createTime).flatMap(Instant.init(rfc3339:)), message: message)
    }

    /// `name:tag` → (name, tag); the tag is after the last `:` that follows the last `/`.
    static func split(_ reference: String) -> (String, String?) {
        let slash = reference.lastIndex(of: "/") ?? reference.startIndex
        guard let colon = reference[slash...].lastIndex(of: ":") else { return (reference, nil) }
        return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }

    static func workState(_ status: CloudBuild.Status) -> WorkState {
        switch status {
        case .working: .running
        case .success: .succeeded
        case .failure, .internalError, .timeout, .expired: .failed
        case .cancelled: .cancelled
        default: .pending
        }
    }

    /// Lower is better when several builds made the same image.
    static func rank(_ state: WorkState) -> Int {
        switch state {
        case .succeeded: 0
        case .running: 1
        case .pending: 2
        case .failed: 3
        case .cancelled: 4
        }
    }
}
