import Foundation
import StewardCore

/// `models/<model id>/model.json`: an uploaded model. Its files are beside it in `files/`.
struct ModelRecord: Sendable, Hashable, LocalRecord {
    static let fileName = "model.json"
    static let filesName = "files"

    var id: String
    var displayName: String
    var pipeline: String
    var runID: String
    /// The model folder it was copied from (`gs://…`).
    var artifactURI: String
    var servingImage: String
    var labels: [String: String]
    var createdAt: Instant

    init(request: UploadModel, createdAt: Instant) {
        id = request.modelID
        displayName = request.displayName
        pipeline = request.pipeline
        runID = request.runID
        artifactURI = request.artifactURI
        servingImage = request.servingImage
        labels = request.labels
        self.createdAt = createdAt
    }


    /// The record of the model in `folder` (`models/<model id>`); `not_found` when there is none.
    static func load(_ folder: String) throws -> ModelRecord {
        try decode(LocalFiles.read(folder + "/" + fileName))
    }

    func observed(in folder: String) -> ObservedModel {
        ObservedModel(id: id, resourceName: folder, pipeline: pipeline, runID: runID, artifactURI: artifactURI,
                      createdAt: createdAt)
    }
}
