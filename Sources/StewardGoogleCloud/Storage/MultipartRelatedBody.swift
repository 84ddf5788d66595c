import Foundation

/// A `multipart/related` body of JSON metadata followed by the media, as `uploadType=multipart` takes it.
struct MultipartRelatedBody {
    var boundary: String
    var bytes: [UInt8]

    /// `Content-Type` for the request.
    var contentType: String { "multipart/related; boundary=\(boundary)" }

    init(metadata: [String: String], media: [UInt8], mediaType: String) throws {
        // A boundary must not occur in the parts; a random one almost never does, and it is checked.
        var boundary: String
        repeat {
            boundary = "steward-" + String(UInt64.random(in: .min ... .max), radix: 16) + String(UInt64.random(in: .min ... .max), radix: 16)
        } while Self.contains(media, Array(boundary.utf8))
        self.boundary = boundary
        let json = try JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys, .withoutEscapingSlashes])
        var body: [UInt8] = []
        body.reserveCapacity(media.count + json.count + 256)
        body += Array("--\(boundary)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".utf8)
        body += Array(json)
        body += Array("\r\n--\(boundary)\r\nContent-Type: \(mediaType)\r\n\r\n".utf8)
        body += media
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        bytes = body
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first, haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }
}
