extension VertexClient {
    /// Starts creating an endpoint; the operation's response is the `Endpoint`. Idempotent with an `endpointId`.
    public func createEndpoint(_ endpoint: Vertex.Endpoint, id: String? = nil) async throws -> LongRunningOperation {
        try await caller.call("POST", "v1/\(parent)/endpoints", query: [("endpointId", id)], body: endpoint,
                              idempotent: id != nil, as: LongRunningOperation.self)
    }

    /// Reads an endpoint with its deployed models and traffic split.
    public func endpoint(_ idOrName: String) async throws -> Vertex.Endpoint {
        try await caller.call("GET", "v1/\(resourceName("endpoints", idOrName))", idempotent: true,
                              as: Vertex.Endpoint.self)
    }

    /// One page of endpoints, optionally filtered.
    public func listEndpoints(filter: String? = nil, pageSize: Int? = nil,
                              pageToken: String? = nil) async throws -> Vertex.ListEndpointsResponse {
        try await caller.call("GET", "v1/\(parent)/endpoints",
                              query: [("filter", filter), ("pageSize", pageSize.map(String.init)), ("pageToken", pageToken)],
                              idempotent: true, as: Vertex.ListEndpointsResponse.self)
    }

    /// Every endpoint matching a filter, all pages.
    public func allEndpoints(filter: String? = nil, pageSize: Int? = nil) async throws -> [Vertex.Endpoint] {
        try await caller.listAll { token in
            let page = try await listEndpoints(filter: filter, pageSize: pageSize, pageToken: token)
            return Page(items: page.endpoints ?? [], nextPageToken: page.nextPageToken)
        }
    }

    /// Starts deploying a model; the operation's response is a `DeployModelResponse`. In `trafficSplit` the key
    /// `"0"` names the model being deployed. Idempotent when the deployed model carries a client-chosen `id`.
    public func deployModel(endpoint: String, _ request: Vertex.DeployModelRequest) async throws -> LongRunningOperation {
        try await caller.call("POST", "v1/\(resourceName("endpoints", endpoint)):deployModel", body: request,
                              idempotent: request.deployedModel.id != nil, as: LongRunningOperation.self)
    }

    /// Starts undeploying a model. The split, when given, replaces the endpoint's and must not give the model
    /// any traffic.
    public func undeployModel(endpoint: String, _ request: Vertex.UndeployModelRequest) async throws -> LongRunningOperation {
        try await caller.call("POST", "v1/\(resourceName("endpoints", endpoint)):undeployModel", body: request,
                              idempotent: true, as: LongRunningOperation.self)
    }

    /// Replaces an endpoint's traffic split (`endpoints.patch` with `updateMask=trafficSplit`); with an `etag`,
    /// only if the endpoint has not changed since it was read.
    public func setTrafficSplit(endpoint: String, _ split: [String: Int], etag: String? = nil) async throws -> Vertex.Endpoint {
        try await caller.call("PATCH", "v1/\(resourceName("endpoints", endpoint))", query: [("updateMask", "trafficSplit")],
                              body: Vertex.Endpoint(trafficSplit: split, etag: etag), idempotent: true,
                              as: Vertex.Endpoint.self)
    }
}
