import Logging
import StewardHTTP
import StewardRuntime

/// A REST client of Cloud Build v1 for one project and location (regional paths
/// `v1/projects/{project}/locations/{location}/builds`; `global` is a valid location).
public struct CloudBuildClient: Sendable {
    public let project: String
    public let location: String
    let caller: RESTCaller

    /// - Parameters:
    ///   - baseURL: the host without `/v1`; nil for `https://cloudbuild.googleapis.com`.
    public init(project: String, location: String, baseURL: String? = nil, transport: any HTTPTransport, logger: Logger) {
        self.project = project
        self.location = location
        caller = RESTCaller(baseURL: baseURL ?? Self.defaultBaseURL, service: "cloudbuild", transport: transport,
                            logger: logger)
    }

    /// `https://cloudbuild.googleapis.com`.
    public static let defaultBaseURL = "https://cloudbuild.googleapis.com"

    /// `projects/{project}/locations/{location}`.
    public var parent: String { "projects/\(project)/locations/\(location)" }

    /// Starts a build; the operation is returned at once, its metadata holding the queued build. Not idempotent
    /// (no request id): list by tag before calling.
    public func createBuild(_ build: CloudBuild.Build) async throws -> LongRunningOperation {
        try await caller.call("POST", "v1/\(parent)/builds", body: build, idempotent: false, as: LongRunningOperation.self)
    }

    /// The build a create's operation describes.
    public static func build(of operation: LongRunningOperation) throws -> CloudBuild.Build? {
        try operation.decodeMetadata(as: CloudBuild.BuildOperationMetadata.self)?.build
    }

    /// Reads a build.
    public func build(id: String) async throws -> CloudBuild.Build {
        try await caller.call("GET", "v1/\(parent)/builds/\(id)", idempotent: true, as: CloudBuild.Build.self)
    }

    /// One page of builds (newest first), optionally filtered (`tags="steward-managed"`).
    public func listBuilds(filter: String? = nil, pageSize: Int? = nil,
                           pageToken: String? = nil) async throws -> CloudBuild.ListBuildsResponse {
        try await caller.call("GET", "v1/\(parent)/builds",
                              query: [("filter", filter), ("pageSize", pageSize.map(String.init)), ("pageToken", pageToken)],
                              idempotent: true, as: CloudBuild.ListBuildsResponse.self)
    }

    /// Every build matching a filter, all pages.
    public func allBuilds(filter: String? = nil, pageSize: Int? = nil) async throws -> [CloudBuild.Build] {
        try await caller.listAll { token in
            let page = try await listBuilds(filter: filter, pageSize: pageSize, pageToken: token)
            return Page(items: page.builds ?? [], nextPageToken: page.nextPageToken)
        }
    }

    /// Reads an operation (`projects/…/locations/…/operations/…`).
    public func operation(_ name: String) async throws -> LongRunningOperation {
        try await caller.call("GET", "v1/\(name)", idempotent: true, as: LongRunningOperation.self)
    }
}
