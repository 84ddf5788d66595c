extension VertexClient {
    /// Creates a batch prediction job. Not idempotent (the API takes no id): list by label before calling.
    public func createBatchPredictionJob(_ job: Vertex.BatchPredictionJob) async throws -> Vertex.BatchPredictionJob {
        try await caller.call("POST", "v1/\(parent)/batchPredictionJobs", body: job, idempotent: false,
                              as: Vertex.BatchPredictionJob.self)
    }

    /// Reads a batch prediction job.
    public func batchPredictionJob(_ idOrName: String) async throws -> Vertex.BatchPredictionJob {
        try await caller.call("GET", "v1/\(resourceName("batchPredictionJobs", idOrName))", idempotent: true,
                              as: Vertex.BatchPredictionJob.self)
    }

    /// One page of batch prediction jobs, optionally filtered.
    public func listBatchPredictionJobs(filter: String? = nil, pageSize: Int? = nil,
                                        pageToken: String? = nil) async throws -> Vertex.ListBatchPredictionJobsResponse {
        try await caller.call("GET", "v1/\(parent)/batchPredictionJobs",
                              query: [("filter", filter), ("pageSize", pageSize.map(String.init)), ("pageToken", pageToken)],
                              idempotent: true, as: Vertex.ListBatchPredictionJobsResponse.self)
    }

    /// Every batch prediction job matching a filter, all pages.
    public func allBatchPredictionJobs(filter: String? = nil, pageSize: Int? = nil) async throws -> [Vertex.BatchPredictionJob] {
        try await caller.listAll { token in
            let page = try await listBatchPredictionJobs(filter: filter, pageSize: pageSize, pageToken: token)
            return Page(items: page.batchPredictionJobs ?? [], nextPageToken: page.nextPageToken)
        }
    }

    /// Asks for a batch prediction job to be cancelled (written outputs stay).
    public func cancelBatchPredictionJob(_ idOrName: String) async throws {
        _ = try await caller.call("POST", "v1/\(resourceName("batchPredictionJobs", idOrName)):cancel",
                                  body: RESTCaller.Empty(), idempotent: true, as: RESTCaller.Empty.self)
    }
}
