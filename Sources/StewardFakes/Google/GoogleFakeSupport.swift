import Foundation
import StewardCore
import StewardGoogleCloud

/// One request a fake received, with the status it answered.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [String: String]
    public var body: [UInt8]
    public var status: Int

    /// The body as JSON.
    public var json: ProtobufValue? { body.isEmpty ? nil : try? ProtobufValue(json: body) }
}

/// A google.rpc.Status error a fake answers with.
struct FakeError: Error, Sendable {
    var http: Int
    var status: String
    var message: String
    var headers: [(String, String)] = []

    /// `count` failures served before anything else: 429 `RESOURCE_EXHAUSTED` or another status `UNAVAILABLE`.
    static func injected(_ count: Int, status: Int, retryAfter: String?) -> [FakeError] {
        let name = status == 429 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE"
        let headers = retryAfter.map { [("Retry-After", $0)] } ?? []
        return Array(repeating: FakeError(http: status, status: name, message: "injected failure", headers: headers), count: count)
    }

    static func invalid(_ message: String) -> FakeError { FakeError(http: 400, status: "INVALID_ARGUMENT", message: message) }
    static func notFound(_ message: String) -> FakeError { FakeError(http: 404, status: "NOT_FOUND", message: message) }
    static func alreadyExists(_ message: String) -> FakeError { FakeError(http: 409, status: "ALREADY_EXISTS", message: message) }
    static func failedPrecondition(_ message: String) -> FakeError {
        FakeError(http: 400, status: "FAILED_PRECONDITION", message: message)
    }

    var response: FakeResponse {
        let body = RPCStatus.Envelope(error: RPCStatus(code: http, message: message, status: status))
        return FakeResponse(status: http, headers: headers, body: encodeJSON(body))
    }
}

func encodeJSON(_ value: some Encodable) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? [UInt8](encoder.encode(value))) ?? Array("{}".utf8)
}

/// A deterministic clock for fakes: every tick is one second after 2026-01-01T00:00:00Z, written with
/// microseconds as Google does.
struct FakeClock: Sendable {
    private(set) var seconds: Int64 = 1_767_225_600

    mutating func tick() -> String {
        seconds += 1
        let instant = Instant(millisecondsSinceEpoch: seconds * 1000)
        return String(instant.iso8601.dropLast()) + ".123456Z"
    }
}

/// AIP-158 pages over a fake's items: a page size capped by the fake, opaque tokens that bind the filter.
struct FakePager: Sendable {
    var maximumPageSize: Int

    func page<Item>(_ items: [Item], query: [String: String]) throws(FakeError) -> (items: [Item], next: String?) {
        let requested = query["pageSize"].flatMap { Int($0) } ?? maximumPageSize
        let size = requested <= 0 ? maximumPageSize : min(requested, maximumPageSize)
        let binding = ContentKey.digest(of: query["filter"] ?? "").prefix(8)
        var offset = 0
        if let token = query["pageToken"], !token.isEmpty {
            guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
                throw FakeError.invalid("Invalid page token.")
            }
            let parts = text.split(separator: "|")
            guard parts.count == 3, parts[0] == "fake", parts[2] == binding, let value = Int(parts[1]) else {
                throw FakeError.invalid("Invalid page token.")
            }
            offset = value
        }
        let end = min(items.count, offset + size)
        let slice = offset < end ? Array(items[offset..<end]) : []
        let next = end < items.count ? Data("fake|\(end)|\(binding)".utf8).base64EncodedString() : nil
        return (slice, next)
    }
}

/// The subset of AIP-160 filters the fakes understand: terms `labels.KEY="VALUE"`, `labels.KEY:*`,
/// `tags="VALUE"`, `status="VALUE"` joined by `AND`. Anything else is refused (400), never ignored.
struct FakeFilter: Sendable {
    enum Term: Sendable {
        case label(String, String)
        case hasLabel(String)
        case tag(String)
        case status(String)
    }

    var terms: [Term] = []

    init(_ text: String?) throws(FakeError) {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        for raw in text.components(separatedBy: " AND ") {
            let term = raw.trimmingCharacters(in: .whitespaces)
            if term.hasPrefix("labels."), term.hasSuffix(":*") {
                terms.append(.hasLabel(String(term.dropFirst(7).dropLast(2))))
            } else if let pair = Self.equality(term) {
                let (name, value) = pair
                if name.hasPrefix("labels.") {
                    terms.append(.label(String(name.dropFirst(7)), value))
                } else if name == "tags" {
                    terms.append(.tag(value))
                } else if name == "status" || name == "state" {
                    terms.append(.status(value))
                } else {
                    throw FakeError.invalid("fake: unsupported filter field '\(name)'")
                }
            } else {
                throw FakeError.invalid("fake: unsupported filter '\(term)'")
            }
        }
    }

    private static func equality(_ term: String) -> (String, String)? {
        guard let equals = term.firstIndex(of: "=") else { return nil }
        let name = term[..<equals].trimmingCharacters(in: .whitespaces)
        var value = term[term.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
        value = String(value.dropFirst().dropLast())
        return (name, value.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\"))
    }

    func matches(labels: [String: String] = [:], tags: [String] = [], status: String? = nil) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .label(let key, let value): labels[key] == value
            case .hasLabel(let key): labels[key] != nil
            case .tag(let tag): tags.contains(tag)
            case .status(let value): status == value
            }
        }
    }
}

/// Vertex AI's label rules: keys and values at most 64 characters of lowercase letters, digits, `_` and `-`;
/// keys start with a letter.
func checkVertexLabels(_ labels: [String: String]?) throws(FakeError) {
    for (key, value) in labels ?? [:] {
        let allowed: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first), key.count <= 64,
              key.unicodeScalars.allSatisfy(allowed) else {
            throw FakeError.invalid("Label key '\(key)' is invalid.")
        }
        guard value.count <= 64, value.unicodeScalars.allSatisfy(allowed) else {
            throw FakeError.invalid("Label value '\(value)' of key '\(key)' is invalid.")
        }
    }
}

/// Whether a string matches a whole regular expression.
func fullMatch(_ text: String, _ pattern: String) -> Bool {
    text.range(of: "^(?:\(pattern))$", options: .regularExpression) != nil
}

/// A standing refusal of one method (by HTTP method and path suffix), as Google answers a caller without the
/// permission (403 `PERMISSION_DENIED`) or a request it will never accept (400 `INVALID_ARGUMENT`): served to every
/// matching request until lifted, unlike the one-off injected failures.
public struct FakeDenial: Sendable {
    public var method: String
    public var pathSuffix: String
    public var http: Int
    public var status: String
    public var message: String

    public init(method: String, pathSuffix: String, http: Int = 403, status: String = "PERMISSION_DENIED", message: String) {
        self.method = method
        self.pathSuffix = pathSuffix
        self.http = http
        self.status = status
        self.message = message
    }

    func matches(_ request: FakeRequest) -> Bool { request.method == method && request.path.hasSuffix(pathSuffix) }

    var error: FakeError { FakeError(http: http, status: status, message: message) }
}

/// What every Google fake does with a request: answer an injected failure first, then a standing denial, else
/// route it; and log it.
func answer(_ request: FakeRequest, injected: inout [FakeError], denials: [FakeDenial] = [], log: inout [RecordedRequest],
            route: (FakeRequest) throws(FakeError) -> FakeResponse) -> FakeResponse {
    let response: FakeResponse
    if !injected.isEmpty {
        response = injected.removeFirst().response
    } else if let denial = denials.first(where: { $0.matches(request) }) {
        response = denial.error.response
    } else {
        do {
            response = try route(request)
        } catch {
            response = error.response
        }
    }
    log.append(RecordedRequest(method: request.method, path: request.path, query: request.query, body: request.body,
                               status: response.status))
    return response
}

/// The segments after `v1/projects/{project}/locations/{location}/`, checked as Google checks them: an unknown
/// path is 404, another project 403, another location 400.
func resourceSegments(_ path: String, projectID: String, projectNumber: String, location: String) throws(FakeError) -> [String] {
    let segments = path.split(separator: "/").map(String.init)
    guard segments.count >= 6, segments[0] == "v1", segments[1] == "projects", segments[3] == "locations" else {
        throw FakeError.notFound("The requested URL \(path) was not found on this server.")
    }
    guard segments[2] == projectID || segments[2] == projectNumber else {
        throw FakeError(http: 403, status: "PERMISSION_DENIED", message: "Permission denied on project \(segments[2]).")
    }
    guard segments[4] == location else { throw FakeError.invalid("Location \(segments[4]) is not served here.") }
    return Array(segments[5...])
}
