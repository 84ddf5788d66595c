/// A Cloud Storage location written `gs://BUCKET/OBJECT-PREFIX`.
///
/// The object part never starts with `/` and has no empty, `.` or `..` segments.
/// On the local provider the same URI names the file `<root>/storage/BUCKET/OBJECT`.
public struct StorageURI: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var bucket: String
    /// The object name or prefix, without a leading slash; empty for the bucket itself.
    public var path: String

    public init(bucket: String, path: String = "") {
        self.bucket = bucket
        self.path = path
    }

    /// What is wrong with a `gs://` string.
    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case notGS
        case badBucket(String)
        case badPath(String)

        public var description: String {
            switch self {
            case .notGS: "not a Cloud Storage URI"
            case .badBucket(let b): "invalid bucket name '\(b)'"
            case .badPath(let p): "invalid object path '\(p)'"
            }
        }
    }

    /// Parses `gs://bucket[/path]`; a trailing slash is dropped.
    public static func parse(_ text: String) -> Result<StorageURI, ParseError> {
        guard text.hasPrefix("gs://") else { return .failure(.notGS) }
        let rest = text.dropFirst(5)
        let bucket: Substring
        var path: Substring
        if let slash = rest.firstIndex(of: "/") {
            bucket = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            bucket = rest
            path = ""
        }
        guard Self.isValidBucket(bucket) else { return .failure(.badBucket(String(bucket))) }
        while path.hasSuffix("/") { path = path.dropLast() }
        if !path.isEmpty {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
                || path.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "#" || $0 == "?" || $0 == "*" || $0 == "[" }) {
                return .failure(.badPath(String(path)))
            }
        }
        return .success(StorageURI(bucket: String(bucket), path: String(path)))
    }

    /// Bucket names: 3–63 characters of lowercase letters, digits, `-`, `_` and `.`,
    /// starting and ending with a letter or digit.
    public static func isValidBucket(_ name: Substring) -> Bool {
        guard (3...222).contains(name.count) else { return false }
        let allowed = name.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-" || $0 == "_" || $0 == "." }
        guard allowed, let first = name.first, let last = name.last else { return false }
        let isAlnum: (Character) -> Bool = { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") }
        return isAlnum(first) && isAlnum(last) && !name.contains("..")
    }

    public var description: String { path.isEmpty ? "gs://\(bucket)" : "gs://\(bucket)/\(path)" }

    /// This location with path segments appended.
    public func appending(_ component: String) -> StorageURI {
        let trimmed = component.split(separator: "/").joined(separator: "/")
        if trimmed.isEmpty { return self }
        return StorageURI(bucket: bucket, path: path.isEmpty ? trimmed : "\(path)/\(trimmed)")
    }

    /// The object prefix for listing everything under this location (`path/`, or empty).
    public var prefix: String { path.isEmpty ? "" : path + "/" }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text) {
        case .success(let uri): self = uri
        case .failure(let error):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error): '\(text)'"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (a: StorageURI, b: StorageURI) -> Bool { a.description < b.description }
}
