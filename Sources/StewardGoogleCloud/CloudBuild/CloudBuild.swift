/// Cloud Build v1 request and response messages, with the discovery document's field names.
///
/// Only the fields Steward sends or reads are declared; decoding ignores the others.
public enum CloudBuild {}

extension CloudBuild {
    /// `Build.status`.
    public struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let unknown = Status(rawValue: "STATUS_UNKNOWN")
        public static let pending = Status(rawValue: "PENDING")
        public static let queued = Status(rawValue: "QUEUED")
        public static let working = Status(rawValue: "WORKING")
        public static let success = Status(rawValue: "SUCCESS")
        public static let failure = Status(rawValue: "FAILURE")
        public static let internalError = Status(rawValue: "INTERNAL_ERROR")
        public static let timeout = Status(rawValue: "TIMEOUT")
        public static let cancelled = Status(rawValue: "CANCELLED")
        public static let expired = Status(rawValue: "EXPIRED")

        public var description: String { rawValue }
    }

    /// A `Build`.
    public struct Build: Sendable, Hashable, Codable {
        /// Output only.
        public var id: String?
        /// Output only: `projects/{number}/locations/{location}/builds/{id}`.
        public var name: String?
        public var projectId: String?
        public var status: Status?
        public var statusDetail: String?
        public var source: Source?
        public var steps: [BuildStep]?
        /// Pushed after every step succeeded.
        public var images: [String]?
        /// Free-form annotations matching `^[\w][\w.-]{0,127}$`; filterable with `tags="…"`.
        public var tags: [String]?
        public var substitutions: [String: String]?
        /// A duration (`"3600s"`).
        public var timeout: String?
        public var serviceAccount: String?
        public var logsBucket: String?
        public var createTime: String?
        public var startTime: String?
        public var finishTime: String?
        public var failureInfo: FailureInfo?
        public var logUrl: String?
        public var results: Results?
        /// Objects uploaded to Cloud Storage after every step succeeded.
        public var artifacts: Artifacts?

        public init(id: String? = nil, name: String? = nil, projectId: String? = nil, status: Status? = nil,
                    statusDetail: String? = nil, source: Source? = nil, steps: [BuildStep]? = nil,
                    images: [String]? = nil, tags: [String]? = nil, substitutions: [String: String]? = nil,
                    timeout: String? = nil, serviceAccount: String? = nil, logsBucket: String? = nil,
                    createTime: String? = nil, startTime: String? = nil, finishTime: String? = nil,
                    failureInfo: FailureInfo? = nil, logUrl: String? = nil, results: Results? = nil,
                    artifacts: Artifacts? = nil) {
            self.artifacts = artifacts
            self.id = id
            self.name = name
            self.projectId = projectId
            self.status = status
            self.statusDetail = statusDetail
            self.source = source
            self.steps = steps
            self.images = images
            self.tags = tags
            self.substitutions = substitutions
            self.timeout = timeout
            self.serviceAccount = serviceAccount
            self.logsBucket = logsBucket
            self.createTime = createTime
            self.startTime = startTime
            self.finishTime = finishTime
            self.failureInfo = failureInfo
            self.logUrl = logUrl
            self.results = results
        }
    }

    /// `Source`: where the build's files come from.
    public struct Source: Sendable, Hashable, Codable {
        public var storageSource: StorageSource?
        public init(storageSource: StorageSource? = nil) { self.storageSource = storageSource }
    }

    /// `StorageSource`: a `.tar.gz` or `.zip` object in Cloud Storage.
    public struct StorageSource: Sendable, Hashable, Codable {
        public var bucket: String?
        public var object: String?
        /// int64; the latest when absent.
        public var generation: String?
        public init(bucket: String? = nil, object: String? = nil, generation: String? = nil) {
            self.bucket = bucket
            self.object = object
            self.generation = generation
        }
    }

    /// `BuildStep`.
    public struct BuildStep: Sendable, Hashable, Codable {
        /// Required: the builder image.
        public var name: String?
        public var args: [String]?
        public var id: String?
        public var dir: String?
        public var entrypoint: String?
        public var env: [String]?
        public var waitFor: [String]?
        public var status: Status?

        public init(name: String? = nil, args: [String]? = nil, id: String? = nil, dir: String? = nil,
                    entrypoint: String? = nil, env: [String]? = nil, waitFor: [String]? = nil, status: Status? = nil) {
            self.name = name
            self.args = args
            self.id = id
            self.dir = dir
            self.entrypoint = entrypoint
            self.env = env
            self.waitFor = waitFor
            self.status = status
        }
    }

    /// `Artifacts`: what a build uploads once every step succeeded.
    public struct Artifacts: Sendable, Hashable, Codable {
        public var objects: ArtifactObjects?
        public init(objects: ArtifactObjects? = nil) { self.objects = objects }
    }

    /// `ArtifactObjects`: workspace files matching `paths` go under `location` (`gs://bucket/prefix/`).
    public struct ArtifactObjects: Sendable, Hashable, Codable {
        public var location: String?
        public var paths: [String]?
        public init(location: String? = nil, paths: [String]? = nil) {
            self.location = location
            self.paths = paths
        }
    }

    /// `FailureInfo`.
    public struct FailureInfo: Sendable, Hashable, Codable {
        public var type: String?
        public var detail: String?
        public init(type: String? = nil, detail: String? = nil) {
            self.type = type
            self.detail = detail
        }
    }

    /// `Results`: what the build pushed.
    public struct Results: Sendable, Hashable, Codable {
        public var images: [BuiltImage]?
        public init(images: [BuiltImage]? = nil) { self.images = images }
    }

    /// `BuiltImage`.
    public struct BuiltImage: Sendable, Hashable, Codable {
        public var name: String?
        public var digest: String?
        public init(name: String? = nil, digest: String? = nil) {
            self.name = name
            self.digest = digest
        }
    }

    /// `BuildOperationMetadata`: the metadata of a create's operation.
    public struct BuildOperationMetadata: Sendable, Hashable, Codable {
        public var build: Build?
        public init(build: Build? = nil) { self.build = build }
    }

    /// `ListBuildsResponse` (newest first).
    public struct ListBuildsResponse: Sendable, Hashable, Codable {
        public var builds: [Build]?
        public var nextPageToken: String?
        public init(builds: [Build]? = nil, nextPageToken: String? = nil) {
            self.builds = builds
            self.nextPageToken = nextPageToken
        }
    }
}
