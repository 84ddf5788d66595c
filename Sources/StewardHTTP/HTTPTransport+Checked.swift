import StewardRuntime

extension HTTPTransport {
    /// Sends `request` and returns a 2xx response; any other status, or no answer at all, becomes a
    /// `RuntimeError` (see `HTTPErrorMapper`).
    public func call(_ request: APIRequest) async throws -> APIResponse {
        let response: APIResponse
        do {
            response = try await send(request)
        } catch {
            if error is CancellationError { throw error }
            throw HTTPErrorMapper.runtimeError(forTransportError: error, request: request)
        }
        guard response.isSuccess else { throw HTTPErrorMapper.runtimeError(for: response, request: request) }
        return response
    }
}
