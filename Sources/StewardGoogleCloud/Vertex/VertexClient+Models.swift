extension VertexClient {
    /// Starts a model upload; the operation's response is an `UploadModelResponse`. Idempotent when the
    /// request carries a `modelId` (a repeat meets 409).
    public func uploadModel(_ request: Vertex.UploadModelRequest) async throws -> LongRunningOperation {
        try await caller.call("POST", "v1/\(parent)/models:upload", body: request, idempotent: request.modelId != nil,
                              as: LongRunningOperation.self)
    }

    /// Reads a model (its default version).
    public func model(_ idOrName: String) async throws -> Vertex.Model {
        try await caller.call("GET", "v1/\(resourceName("models", idOrName))", idempotent: true, as: Vertex.Model.self)
    }

    /// One page of models, optionally filtered.
    public func listModels(filter: String? = nil, pageSize: Int? = nil,
                           pageToken: String? = nil) async throws -> Vertex.ListModelsResponse {
        try await caller.call("GET", "v1/\(parent)/models",
                              query: [("filter", filter), ("pageSize", pageSize.map(String.init)), ("pageToken", pageToken)],
                              idempotent: true, as: Vertex.ListModelsResponse.self)
    }

    /// Every model matching a filter, all pages.
    public func allModels(filter: String? = nil, pageSize: Int? = nil) async throws -> [Vertex.Model] {
        try await caller.listAll { token in
            let page = try await listModels(filter: filter, pageSize: pageSize, pageToken: token)
            return Page(items: page.models ?? [], nextPageToken: page.nextPageToken)
        }
    }
}
