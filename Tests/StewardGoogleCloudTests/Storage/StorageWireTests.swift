import StewardFakes
import Foundation
import Hummingbird
import NIOCore
import StewardCore
import StewardGoogleCloud
import StewardHTTP
import StewardRuntime
import Testing

/// Behaviour fake-gcs-server cannot show (corruption, multi-step rewrites), against tiny in-process servers.
@Suite("Cloud Storage client on the wire")
struct StorageWireTests {
    private func client(_ base: String) -> StorageClient {
        StorageClient.configured(environment: ["STORAGE_EMULATOR_HOST": base], logger: quietLogger)
    }

    @Test("a download whose x-goog-hash does not match the bytes is an error")
    func detectsCorruptDownload() async throws {
        let router = Router()
        router.get("/download/storage/v1/b/:bucket/o/:object") { _, _ in
            // The CRC-32C of "hello" is mnG7TA==; these bytes are not "hello".
            makeResponse(.ok, Array("jello".utf8), headers: [("x-goog-hash", "crc32c=mnG7TA==,md5=XUFAKrxLKna5cZ2REBfFkg==")],
                         contentType: "application/octet-stream")
        }
        try await withLocalServer(router) { base async throws in
            let error = await #expect(throws: RuntimeError.self) { try await client(base).download(bucket: "b", name: "o") }
            #expect(error?.message.contains("crc32c mismatch") == true)
            #expect(error?.message.contains("gs://b/o") == true)
        }
    }

    @Test("without x-goog-hash the download is checked against the object's metadata")
    func checksAgainstMetadata() async throws {
        let router = Router()
        router.get("/download/storage/v1/b/:bucket/o/:object") { _, _ in
            makeResponse(.ok, Array("jello".utf8), headers: [("x-goog-generation", "17")], contentType: "application/octet-stream")
        }
        let generations = Recorder<String>()
        router.get("/storage/v1/b/:bucket/o/:object") { request, _ in
            await generations.append(request.uri.queryParameters.get("generation") ?? "")
            return makeResponse(.ok, #"{"bucket": "b", "name": "o", "size": "5", "generation": "17", "crc32c": "mnG7TA=="}"#)
        }
        try await withLocalServer(router) { base async throws in
            let error = await #expect(throws: RuntimeError.self) { try await client(base).download(bucket: "b", name: "o") }
            #expect(error?.message.contains("crc32c mismatch") == true)
        }
        #expect(await generations.values == ["17"])
    }

    @Test("an upload whose reported crc32c differs from the bytes sent is an error")
    func detectsCorruptUpload() async throws {
        let router = Router()
        router.post("/upload/storage/v1/b/:bucket/o") { _, _ in
            makeResponse(.ok, #"{"bucket": "b", "name": "o", "size": "5", "crc32c": "AAAAAA=="}"#)
        }
        try await withLocalServer(router) { base async throws in
            let error = await #expect(throws: RuntimeError.self) {
                try await client(base).insert(bucket: "b", name: "o", bytes: Array("hello".utf8))
            }
            #expect(error?.message.contains("crc32c mismatch uploading gs://b/o") == true)
        }
    }

    @Test("the upload is multipart with the name and crc32c, the object name travels as one encoded segment")
    func sendsMultipartAndEncodesNames() async throws {
        let seen = Recorder<String>()
        let router = Router()
        router.post("/upload/storage/v1/b/:bucket/o") { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            await seen.append(request.uri.description)
            await seen.append(request.headers[.contentType] ?? "")
            await seen.append(String(buffer: body))
            return makeResponse(.ok, #"{"bucket": "b", "name": "a/b c#d.txt", "size": "5", "crc32c": "mnG7TA=="}"#)
        }
        router.get("/download/storage/v1/b/:bucket/o/:object") { request, _ in
            await seen.append(request.uri.description)
            return makeResponse(.ok, Array("hello".utf8), headers: [("x-goog-hash", "crc32c=mnG7TA==")], contentType: "text/plain")
        }
        try await withLocalServer(router) { base async throws in
            let storage = client(base)
            _ = try await storage.createIfAbsent(bucket: "b", name: "a/b c#d.txt", bytes: Array("hello".utf8), contentType: "text/plain")
            #expect(try await storage.download(bucket: "b", name: "a/b c#d.txt") == Array("hello".utf8))
        }
        let values = await seen.values
        try #require(values.count == 4)
        #expect(values[0] == "/upload/storage/v1/b/b/o?uploadType=multipart&ifGenerationMatch=0")
        #expect(values[1].hasPrefix("multipart/related; boundary="))
        #expect(values[2].contains(#"{"contentType":"text/plain","crc32c":"mnG7TA==","name":"a/b c#d.txt"}"#))
        #expect(values[2].contains("\r\n\r\nhello\r\n--"))
        #expect(values[3] == "/download/storage/v1/b/b/o/a%2Fb%20c%23d.txt?alt=media")
    }

    @Test("rewrite follows rewriteToken until done")
    func followsRewriteTokens() async throws {
        let tokens = Recorder<String>()
        let router = Router()
        router.post("/storage/v1/b/:sb/o/:so/rewriteTo/b/:db/o/:do") { request, _ in
            let token = request.uri.queryParameters.get("rewriteToken") ?? ""
            await tokens.append(token)
            switch token {
            case "": return makeResponse(.ok, #"{"kind": "storage#rewriteResponse", "done": false, "rewriteToken": "step-1", "totalBytesRewritten": "1048576"}"#)
            case "step-1": return makeResponse(.ok, #"{"done": false, "rewriteToken": "step-2"}"#)
            default: return makeResponse(.ok, #"{"done": true, "resource": {"bucket": "d", "name": "new", "size": "3145728"}}"#)
            }
        }
        let object = try await withLocalServer(router) { base async throws in
            try await client(base).rewrite(sourceBucket: "s", sourceName: "old", destinationBucket: "d", destinationName: "new")
        }
        #expect(object.size == 3_145_728)
        #expect(await tokens.values == ["", "step-1", "step-2"])
    }

    @Test("against an emulator no credentials are sent and the metadata server is never asked")
    func emulatorGetsNoCredentials() async throws {
        let metadataHits = Recorder<String>()
        let metadata = Router()
        metadata.get("/**") { request, _ in
            await metadataHits.append(request.uri.path)
            return makeResponse(.ok, #"{"access_token": "ya29.from-metadata", "expires_in": 3600}"#, headers: [("Metadata-Flavor", "Google")])
        }
        let authorizations = Recorder<String>()
        try await withLocalServer(metadata) { metadataBase async throws in
            let storage = Router()
            storage.get("/storage/v1/b/:bucket/o") { request, _ in
                await authorizations.append(request.headers[.authorization] ?? "none")
                return makeResponse(.ok, #"{"kind": "storage#objects"}"#)
            }
            try await withLocalServer(storage) { storageBase async throws in
                let environment = [
                    "STORAGE_EMULATOR_HOST": String(storageBase.dropFirst("http://".count)),
                    "GCE_METADATA_HOST": String(metadataBase.dropFirst("http://".count)),
                    "HOME": "/nonexistent",
                ]
                let listing = try await StorageClient.configured(environment: environment, logger: quietLogger).list(bucket: "b")
                #expect(listing.items.isEmpty)
            }
        }
        #expect(await authorizations.values == ["none"])
        #expect(await metadataHits.values.isEmpty)
    }
}

@Suite("Storage endpoint")
struct StorageEndpointTests {
    @Test("STORAGE_EMULATOR_HOST with or without a scheme; Google's endpoint otherwise")
    func resolves() {
        #expect(StorageEndpoint(environment: [:]) == StorageEndpoint(baseURL: "https://storage.googleapis.com", isEmulator: false))
        #expect(StorageEndpoint(environment: ["STORAGE_EMULATOR_HOST": "localhost:4443"]).baseURL == "http://localhost:4443")
        #expect(StorageEndpoint(environment: ["STORAGE_EMULATOR_HOST": "https://gcs.test:9/"]).baseURL == "https://gcs.test:9")
        #expect(StorageEndpoint(environment: ["STORAGE_EMULATOR_HOST": "127.0.0.1:1"]).isEmulator)
        #expect(StorageEndpoint(environment: ["STORAGE_EMULATOR_HOST": ""]).isEmulator == false)
    }
}
