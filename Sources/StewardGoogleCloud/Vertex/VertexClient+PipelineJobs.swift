import StewardRuntime

extension VertexClient {
    /// Creates a pipeline job with a client-chosen id (`pipelineJobId`); one that exists already (409) is read
    /// and adopted.
    public func createPipelineJob(_ job: Vertex.PipelineJob, id: String) async throws -> Creation<Vertex.PipelineJob> {
        do {
            let created = try await caller.call("POST", "v1/\(parent)/pipelineJobs", query: [("pipelineJobId", id)],
                                                body: job, idempotent: true, as: Vertex.PipelineJob.self)
            return Creation(resource: created, outcome: .created)
        } catch let error as RuntimeError where error.code == "already_exists" {
            caller.logger.debug("adopting pipeline job", metadata: ["run": "\(id)"])
            return Creation(resource: try await pipelineJob(id), outcome: .adopted)
        }
    }

    /// Reads a pipeline job (with its task details).
    public func pipelineJob(_ idOrName: String) async throws -> Vertex.PipelineJob {
        try await caller.call("GET", "v1/\(resourceName("pipelineJobs", idOrName))", idempotent: true,
                              as: Vertex.PipelineJob.self)
    }

    /// One page of pipeline jobs (newest first), optionally filtered (`labels.steward-managed="true"`).
    public func listPipelineJobs(filter: String? = nil, pageSize: Int? = nil,
                                 pageToken: String? = nil) async throws -> Vertex.ListPipelineJobsResponse {
        try await caller.call("GET", "v1/\(parent)/pipelineJobs",
                              query: [("filter", filter), ("pageSize", pageSize.map(String.init)), ("pageToken", pageToken)],
                              idempotent: true, as: Vertex.ListPipelineJobsResponse.self)
    }

    /// Every pipeline job matching a filter, all pages.
    public func allPipelineJobs(filter: String? = nil, pageSize: Int? = nil) async throws -> [Vertex.PipelineJob] {
        try await caller.listAll { token in
            let page = try await listPipelineJobs(filter: filter, pageSize: pageSize, pageToken: token)
            return Page(items: page.pipelineJobs ?? [], nextPageToken: page.nextPageToken)
        }
    }

    /// Asks for a job to be cancelled (best effort, asynchronous).
    public func cancelPipelineJob(_ idOrName: String) async throws {
        _ = try await caller.call("POST", "v1/\(resourceName("pipelineJobs", idOrName)):cancel", body: RESTCaller.Empty(),
                                  idempotent: true, as: RESTCaller.Empty.self)
    }
}
