import StewardCore
import StewardFakes
@testable import StewardGoogleCloud
import StewardHTTP
import Testing

@Suite("Shared pieces of the Google JSON clients")
struct OnePlatformTests {
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
