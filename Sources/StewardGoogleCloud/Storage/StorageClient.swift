import Foundation
import Logging
import StewardCore
import StewardHTTP
import StewardRuntime

/// The Cloud Storage JSON API v1: list, metadata, download, multipart upload, rewrite and delete of objects.
///
/// Object names travel percent-encoded as one path segment (`a/b c` → `a%2Fb%20c`). Every upload sends its
/// CRC-32C and checks the one the service reports; every download is checked against `x-goog-hash` (or the
/// object's metadata). Reads, deletes, rewrites and uploads with a generation precondition are marked idempotent,
/// so a `RetryingTransport` below may repeat them; plain overwrites are not.
public struct StorageClient: Sendable {
    /// Scheme and host (`https://storage.googleapis.com`, or an emulator's).
    public let baseURL: String
    let transport: any HTTPTransport
    let logger: Logger
    /// `maxResults` per list page (the service allows at most 1000).
    public var pageSize: Int

    public init(baseURL: String, transport: any HTTPTransport, pageSize: Int = 1000, logger: Logger) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.transport = transport
        self.pageSize = pageSize
        self.logger = logger
    }

    // MARK: - Listing

    /// Every object whose name starts with `prefix`, across all pages; with a delimiter, only those with no
    /// delimiter after the prefix, plus the distinct deeper prefixes.
    public func list(bucket: String, prefix: String = "", delimiter: String? = nil) async throws -> StorageListing {
        struct Page: Decodable {
            var items: [StorageObject]?
            var prefixes: [String]?
            var nextPageToken: String?
        }
        var listing = StorageListing()
        var seenPrefixes = Set<String>()
        var pageToken: String?
        var pages = 0
        repeat {
            let query = URLEncoding.query([
                ("prefix", prefix.isEmpty ? nil : prefix), ("delimiter", delimiter), ("maxResults", String(pageSize)),
                ("pageToken", pageToken),
            ])
            let request = APIRequest(method: "GET", url: "\(baseURL)/storage/v1/b/\(URLEncoding.component(bucket))/o?\(query)",
                                     headers: [(name: "Accept", value: "application/json")], service: "storage")
            let page: Page = try decode(try await transport.call(request), request: request)
            listing.items += page.items ?? []
            // Some servers repeat prefixes on every page; keep the first occurrence of each.
            for found in page.prefixes ?? [] where seenPrefixes.insert(found).inserted { listing.prefixes.append(found) }
            let next = page.nextPageToken.flatMap { $0.isEmpty ? nil : $0 }
            if let next, next == pageToken {
                throw RuntimeError(code: HTTPErrorCode.internal.rawValue,
                                   message: "listing gs://\(bucket)/\(prefix) returned the same page token twice", disposition: .retry)
            }
            pageToken = next
            pages += 1
        } while pageToken != nil
        logger.debug("storage objects listed", metadata: [
            "storage.bucket": "\(bucket)", "storage.prefix": "\(prefix)", "storage.items": "\(listing.items.count)",
            "storage.prefixes": "\(listing.prefixes.count)", "storage.pages": "\(pages)",
        ])
        return listing
    }

    // MARK: - Reading

    /// The object's metadata; throws `not_found` when it is absent.
    public func metadata(bucket: String, name: String, generation: String? = nil) async throws -> StorageObject {
        var url = objectURL(bucket: bucket, name: name)
        if let generation { url += "?" + URLEncoding.query([("generation", generation)]) }
        let request = APIRequest(method: "GET", url: url, headers: [(name: "Accept", value: "application/json")], service: "storage")
        return try decode(try await transport.call(request), request: request)
    }

    /// The object's bytes, checked against the CRC-32C the service reports; throws `not_found` when absent.
    public func download(bucket: String, name: String) async throws -> [UInt8] {
        let url = "\(baseURL)/download/storage/v1/b/\(URLEncoding.component(bucket))/o/\(URLEncoding.component(name))?alt=media"
        let request = APIRequest(method: "GET", url: url, service: "storage", timeout: 600)
        let response = try await transport.call(request)
        let bytes = response.body

        // With decompressive transcoding the hash describes the stored (gzip) bytes, not these.
        let transcoded = response.header("x-goog-stored-content-encoding")?.lowercased() == "gzip"
            && response.header("Content-Encoding")?.lowercased() != "gzip"
        if !transcoded {
            var expected = Self.crc32c(inHashHeaders: response)
            if expected == nil {
                let generation = response.header("x-goog-generation")
                expected = try await metadata(bucket: bucket, name: name, generation: generation).crc32c
            }
            if let expected {
                let actual = CRC32C.base64(CRC32C.checksum(bytes))
                guard actual == expected else {
                    throw Self.mismatch("downloading", bucket: bucket, name: name, expected: expected, actual: actual)
                }
            }
        }
        logger.debug("storage object downloaded", metadata: [
            "storage.bucket": "\(bucket)", "storage.object": "\(name)", "storage.size": "\(bytes.count)",
        ])
        return bytes
    }

    // MARK: - Writing

    /// Uploads the object in one multipart request (metadata `{"name", "crc32c"}`, then the bytes) and checks the
    /// CRC-32C the service computed. With `ifGenerationMatch` the upload is conditional (`0`: only when absent).
    public func insert(bucket: String, name: String, bytes: [UInt8], contentType: String? = nil,
                       ifGenerationMatch: Int64? = nil) async throws -> StorageObject {
        let crc = CRC32C.base64(CRC32C.checksum(bytes))
        let mediaType = contentType ?? "application/octet-stream"
        var metadata = ["name": name, "crc32c": crc]
        if let contentType { metadata["contentType"] = contentType }
        let body = try MultipartRelatedBody(metadata: metadata, media: bytes, mediaType: mediaType)
        let query = URLEncoding.query([("uploadType", "multipart"), ("ifGenerationMatch", ifGenerationMatch.map(String.init))])
        let request = APIRequest(
            method: "POST", url: "\(baseURL)/upload/storage/v1/b/\(URLEncoding.component(bucket))/o?\(query)",
            headers: [(name: "Content-Type", value: body.contentType), (name: "Accept", value: "application/json")],
            body: body.bytes,
            // Only a conditional upload can be repeated safely: the precondition makes a second success impossible.
            idempotent: ifGenerationMatch != nil, service: "storage", timeout: 600)
        let object: StorageObject = try decode(try await transport.call(request), request: request)
        if let reported = object.crc32c, reported != crc {
            throw Self.mismatch("uploading", bucket: bucket, name: name, expected: crc, actual: reported)
        }
        logger.debug("storage object uploaded", metadata: [
            "storage.bucket": "\(bucket)", "storage.object": "\(name)", "storage.size": "\(bytes.count)",
            "storage.generation": "\(object.generation ?? "")",
        ])
        return object
    }

    /// Uploads the object only when no live version exists (`ifGenerationMatch=0`); nil when one already did
    /// (HTTP 412), in which case nothing was written.
    public func createIfAbsent(bucket: String, name: String, bytes: [UInt8], contentType: String? = nil) async throws -> StorageObject? {
        do {
            return try await insert(bucket: bucket, name: name, bytes: bytes, contentType: contentType, ifGenerationMatch: 0)
        } catch let error as RuntimeError where error.code == HTTPErrorCode.failedPrecondition.rawValue {
            logger.debug("storage object already existed", metadata: ["storage.bucket": "\(bucket)", "storage.object": "\(name)"])
            return nil
        }
    }

    /// Copies an object server-side, following `rewriteToken` until the service reports `done`.
    public func rewrite(sourceBucket: String, sourceName: String, destinationBucket: String, destinationName: String) async throws -> StorageObject {
        struct RewriteResponse: Decodable {
            var done: Bool
            var rewriteToken: String?
            var resource: StorageObject?
        }
        let base = "\(baseURL)/storage/v1/b/\(URLEncoding.component(sourceBucket))/o/\(URLEncoding.component(sourceName))"
            + "/rewriteTo/b/\(URLEncoding.component(destinationBucket))/o/\(URLEncoding.component(destinationName))"
        var token: String?
        var calls = 0
        while true {
            let url = base + (token.map { "?" + URLEncoding.query([("rewriteToken", $0)]) } ?? "")
            let request = APIRequest(method: "POST", url: url,
                                     headers: [(name: "Content-Type", value: "application/json"), (name: "Accept", value: "application/json")],
                                     body: Array("{}".utf8), idempotent: true, service: "storage", timeout: 600)
            let step: RewriteResponse = try decode(try await transport.call(request), request: request)
            calls += 1
            if step.done {
                guard let resource = step.resource else {
                    throw RuntimeError(code: HTTPErrorCode.internal.rawValue,
                                       message: "rewrite of gs://\(sourceBucket)/\(sourceName) finished without the new object",
                                       disposition: .retry)
                }
                logger.debug("storage object rewritten", metadata: [
                    "storage.bucket": "\(destinationBucket)", "storage.object": "\(destinationName)", "storage.calls": "\(calls)",
                ])
                return resource
            }
            guard let next = step.rewriteToken, !next.isEmpty else {
                throw RuntimeError(code: HTTPErrorCode.internal.rawValue,
                                   message: "rewrite of gs://\(sourceBucket)/\(sourceName) is not done but gave no rewriteToken",
                                   disposition: .retry)
            }
            token = next
        }
    }

    /// Deletes the object; false when it was already absent.
    @discardableResult
    public func delete(bucket: String, name: String) async throws -> Bool {
        let request = APIRequest(method: "DELETE", url: objectURL(bucket: bucket, name: name), idempotent: true, service: "storage")
        do {
            _ = try await transport.call(request)
        } catch let error as RuntimeError where error.isNotFound {
            return false
        }
        logger.debug("storage object deleted", metadata: ["storage.bucket": "\(bucket)", "storage.object": "\(name)"])
        return true
    }

    // MARK: - Helpers

    private func objectURL(bucket: String, name: String) -> String {
        "\(baseURL)/storage/v1/b/\(URLEncoding.component(bucket))/o/\(URLEncoding.component(name))"
    }

    private func decode<T: Decodable>(_ response: APIResponse, request: APIRequest) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(response.body))
        } catch {
            throw RuntimeError(code: HTTPErrorCode.internal.rawValue,
                               message: "storage \(request.method) \(Redactor.path(of: request.url)): unexpected response (\(error))",
                               disposition: .retry)
        }
    }

    /// The `crc32c=` value of the `x-goog-hash` headers (which may be repeated or comma-separated).
    static func crc32c(inHashHeaders response: APIResponse) -> String? {
        for header in response.headers where header.name.lowercased() == "x-goog-hash" {
            for part in header.value.split(separator: ",") {
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("crc32c=") { return String(trimmed.dropFirst("crc32c=".count)) }
            }
        }
        return nil
    }

    static func mismatch(_ doing: String, bucket: String, name: String, expected: String, actual: String) -> RuntimeError {
        RuntimeError(code: HTTPErrorCode.internal.rawValue,
                     message: "crc32c mismatch \(doing) gs://\(bucket)/\(name): expected \(expected), got \(actual)",
                     disposition: .retry)
    }
}
