import StewardHTTP

/// A transport that answers from a table and records what it was sent (for host and header checks without a server).
actor StubTransport: HTTPTransport {
    private var responses: [String: APIResponse]
    private(set) var sent: [APIRequest] = []

    init(_ responses: [String: APIResponse]) {
        self.responses = responses
    }

    func send(_ request: APIRequest) async throws -> APIResponse {
        sent.append(request)
        return responses[request.url] ?? APIResponse(status: 404, body: Array(#"{"message":"Not Found"}"#.utf8))
    }
}
