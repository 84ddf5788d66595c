import StewardCore
import StewardFakes
@testable import StewardGoogleCloud
import StewardHTTP
import Testing

@Suite("Shared pieces of the Google JSON clients")
struct OnePlatformTests {
    @Test("RFC 3339 timestamps with fractions and offsets", arguments: [
        ("2024-05-01T12:00:00Z", Int64(1_714_564_800_000)),
        ("2024-05-01T12:00:00.123456Z", Int64(1_714_564_800_123)),
        ("2024-05-01T12:00:00.5Z", Int64(1_714_564_800_500)),
        ("2024-05-01T14:00:00.000000001+02:00", Int64(1_714_564_800_000)),
        ("1970-01-01T00:00:00Z", Int64(0)),
    ])
    func parsesTimestamps(text: String, milliseconds: Int64) {
        #expect(RFC3339.parse(text)?.millisecondsSinceEpoch == milliseconds)
    }

    @Test("malformed timestamps are refused", arguments: ["2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z"])
    func refusesTimestamps(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test("formatting keeps milliseconds")
    func formats() {
        #expect(RFC3339.format(Instant(millisecondsSinceEpoch: 1_714_564_800_007)) == "2024-05-01T12:00:00.007Z")
    }

    @Test("integers stay JSON integers, other numbers doubles")
    func protobufValueNumbers() throws {
        let value = try ProtobufValue(json: Array(#"{"a":10,"b":0.5,"c":true,"d":"x","e":[null]}"#.utf8))
        #expect(value["a"] == .int(10))
        #expect(value["b"] == .double(0.5))
        #expect(value["c"] == .bool(true))
        #expect(value["e"] == .array([.null]))
        #expect(String(decoding: try JSONCoding.encode(value), as: UTF8.self) == #"{"a":10,"b":0.5,"c":true,"d":"x","e":[null]}"#)
    }

    @Test("endpoint overrides: with or without scheme, trailing slash or /v1")
    func overrides() {
        let apis = GoogleCloudAPIs(project: "p", region: "europe-west4", transport: AsyncHTTPTransport(),
                                   environment: ["STEWARD_VERTEX_ENDPOINT": "127.0.0.1:9000/v1/"],
                                   logger: FakeHarness.logger)
        #expect(apis.vertexOverridden)
        #expect(apis.cloudBuildOverridden == false)
        #expect(apis.vertex.caller.baseURL == "http://127.0.0.1:9000")
        #expect(apis.cloudBuild.caller.baseURL == "https://cloudbuild.googleapis.com")
        let google = GoogleCloudAPIs(project: "p", region: "europe-west4", transport: AsyncHTTPTransport(),
                                     environment: [:], logger: FakeHarness.logger)
        #expect(google.vertex.caller.baseURL == "https://europe-west4-aiplatform.googleapis.com")
    }

    @Test("filters quote values and query values are percent-encoded")
    func filtersAndQueries() {
        #expect(ListFilter.labels(["steward-key": "a\"b"]) == #"labels.steward-key="a\"b""#)
        #expect(RESTCaller.queryString([("filter", #"labels.a="b c""#), ("pageToken", nil)]) == "?filter=labels.a%3D%22b%20c%22")
    }

    @Test("creates with a client-chosen id are idempotent, the batch create is not")
    func idempotency() async throws {
        let recorder = RecordingTransport()
        let client = VertexClient(project: "p", location: "us-central1", baseURL: "http://fake", transport: recorder,
                                  logger: FakeHarness.logger)
        _ = try? await client.createPipelineJob(.init(displayName: "x"), id: "x")
        _ = try? await client.uploadModel(.init(modelId: "m", model: .init(displayName: "m")))
        _ = try? await client.uploadModel(.init(model: .init(displayName: "m")))
        _ = try? await client.createBatchPredictionJob(.init(displayName: "b"))
        _ = try? await client.deployModel(endpoint: "e", .init(deployedModel: .init(id: "1234567890")))
        let builds = CloudBuildClient(project: "p", location: "global", baseURL: "http://fake", transport: recorder,
                                      logger: FakeHarness.logger)
        _ = try? await builds.createBuild(.init())
        #expect(await recorder.idempotent == [true, true, false, false, true, false])
    }
}

/// Records whether each request was marked idempotent, and answers 500.
actor RecordingTransport: HTTPTransport {
    private(set) var idempotent: [Bool] = []

    nonisolated func send(_ request: APIRequest) async throws -> APIResponse {
        await record(request.idempotent)
        return APIResponse(status: 500)
    }

    private func record(_ flag: Bool) { idempotent.append(flag) }
}
