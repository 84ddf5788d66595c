import Foundation
import StewardCore
import StewardRuntime
import Testing
@testable import StewardLocal

/// Writes a model folder under `storage/` with a file and a nested file; returns its `gs://` URI.
func writeArtifact(_ layout: LocalLayout, path: String, weights: String) throws -> String {
    let uri = StorageURI(bucket: "bkt", path: path)
    let folder = layout.path(for: uri)
    try FileManager.default.createDirectory(atPath: folder + "/variables", withIntermediateDirectories: true)
    try Data(weights.utf8).write(to: URL(fileURLWithPath: folder + "/weights.txt"))
    try Data("vars of \(weights)".utf8).write(to: URL(fileURLWithPath: folder + "/variables/data.bin"))
    return uri.description
}

func uploadRequest(id: String, artifactURI: String, runID: String = "train-1") -> UploadModel {
    UploadModel(modelID: id, displayName: "classifier \(id)", pipeline: "train", runID: runID, artifactURI: artifactURI,
                servingImage: "europe-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest",
                labels: ["steward-managed": "true", "steward-resource": "train"])
}

@Suite("Local model registry")
struct LocalModelRegistryTests {
    static let createdAt = Instant(millisecondsSinceEpoch: 1_790_000_000_000)

    func registry(_ layout: LocalLayout) -> LocalModelRegistry {
        LocalModelRegistry(layout: layout, logger: testLogger, now: { Self.createdAt })
    }

    @Test("upload copies the model folder into models/<id>/files and records the model")
    func upload() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        let artifact = try writeArtifact(layout, path: "pipelines/train/train-1/trainer/model", weights: "w1")
        #expect(try await registry(layout).upload(uploadRequest(id: "m-abc", artifactURI: artifact)) == .created)

        let model = folder.path + "/local/models/m-abc"
        #expect(try readText(model + "/files/weights.txt") == "w1")
        #expect(try readText(model + "/files/variables/data.bin") == "vars of w1")
        let record = try ModelRecord.decode(Array(Data(contentsOf: URL(fileURLWithPath: model + "/model.json"))))
        #expect(record.id == "m-abc")
        #expect(record.displayName == "classifier m-abc")
        #expect(record.pipeline == "train" && record.runID == "train-1")
        #expect(record.artifactURI == "gs://bkt/pipelines/train/train-1/trainer/model")
        #expect(record.servingImage == "europe-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest")
        #expect(record.labels == ["steward-managed": "true", "steward-resource": "train"])
        #expect(record.createdAt == Self.createdAt)
        // No temporary folder is left beside the model.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/local/models") == ["m-abc"])

        let observed = try await registry(layout).observeModels()
        #expect(observed == [ObservedModel(id: "m-abc", resourceName: model, pipeline: "train", runID: "train-1",
                                           artifactURI: "gs://bkt/pipelines/train/train-1/trainer/model",
                                           createdAt: Self.createdAt)])
    }

    @Test("uploading a model id twice adopts the first model and changes nothing")
    func uploadTwice() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        let first = try writeArtifact(layout, path: "runs/a/model", weights: "first")
        let second = try writeArtifact(layout, path: "runs/b/model", weights: "second")
        #expect(try await registry(layout).upload(uploadRequest(id: "m-1", artifactURI: first)) == .created)
        let later = LocalModelRegistry(layout: layout, logger: testLogger, now: { Instant(millisecondsSinceEpoch: 0) })
        #expect(try await later.upload(uploadRequest(id: "m-1", artifactURI: second, runID: "train-2")) == .adopted)

        #expect(try readText(layout.model(id: "m-1") + "/files/weights.txt") == "first")
        let observed = try await later.observeModels()
        #expect(observed.map(\.id) == ["m-1"])
        #expect(observed.first?.runID == "train-1" && observed.first?.createdAt == Self.createdAt)
    }

    @Test("concurrent uploads of one id: one creates, the others adopt")
    func concurrentUploads() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        let artifact = try writeArtifact(layout, path: "runs/a/model", weights: "w")
        let registry = registry(layout)
        let outcomes = try await withThrowingTaskGroup(of: StartOutcome.self) { group in
            for _ in 0..<4 { group.addTask { try await registry.upload(uploadRequest(id: "m-race", artifactURI: artifact)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .created }.count == 1)
        #expect(outcomes.filter { $0 == .adopted }.count == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.models) == ["m-race"])
    }

    @Test("a missing model folder is not_found and leaves no model")
    func missingArtifact() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        let error = await #expect(throws: RuntimeError.self) {
            try await registry(layout).upload(uploadRequest(id: "m-gone", artifactURI: "gs://bkt/runs/none/model"))
        }
        #expect(error?.code == "not_found")
        #expect(error?.message.contains("'gs://bkt/runs/none/model'") == true)
        #expect(error?.message.contains("run 'train-1'") == true)
        #expect(!FileManager.default.fileExists(atPath: layout.model(id: "m-gone")))
        #expect(try await registry(layout).observeModels().isEmpty)

        let notGS = await #expect(throws: RuntimeError.self) {
            try await registry(layout).upload(uploadRequest(id: "m-x", artifactURI: "/tmp/model"))
        }
        #expect(notGS?.code == "invalid")
    }

    @Test("the copy of an upload whose Steward died is removed; a half model is never observed")
    func abandonedUpload() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let layout = folder.layout
        // Beyond pid_max: no process has this pid.
        let abandoned = layout.models + "/.upload-m-1.999999999.0123456789abcdef"
        try FileManager.default.createDirectory(atPath: abandoned + "/files", withIntermediateDirectories: true)
        #expect(try await registry(layout).observeModels().isEmpty)

        let artifact = try writeArtifact(layout, path: "runs/a/model", weights: "w")
        #expect(try await registry(layout).upload(uploadRequest(id: "m-1", artifactURI: artifact)) == .created)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(try await registry(layout).observeModels().map(\.id) == ["m-1"])
    }
}
