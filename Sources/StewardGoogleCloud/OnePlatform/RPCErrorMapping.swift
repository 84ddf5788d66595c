import StewardHTTP
import StewardRuntime

/// The error of a long-running operation or a job that ended with a google.rpc.Status, whose `code` is the
/// numeric google.rpc.Code (HTTP error responses are mapped by `HTTPErrorMapper`).
enum RPCErrorMapping {
    /// The longest server message kept.
    static let maximumMessageLength = HTTPErrorMapper.maximumMessageLength

    /// The error of a failed operation or job: the code's name decides the bounded code and whether to retry.
    static func error(for status: RPCStatus, what: String) -> RuntimeError {
        let name = status.code.flatMap { RPCStatus.codeNames[$0] } ?? "UNKNOWN"
        let code = HTTPErrorCode(rpcStatus: name) ?? .unknown
        var message = "\(what) failed: \(name)"
        if let text = status.message, !text.isEmpty {
            let redacted = Redactor.redact(text)
            message += ": " + (redacted.count > maximumMessageLength ? String(redacted.prefix(maximumMessageLength)) + "…" : redacted)
        }
        return RuntimeError(code: code.rawValue, message: message,
                            disposition: HTTPErrorMapper.disposition(code, httpStatus: nil, rpcStatus: name))
    }
}
