import Foundation
import StewardCore

/// `batch/<job id>/job.json`: a batch prediction job, what was asked for and how far the start got.
///
/// Like a pipeline run's record: the outcome is read from the files beside it (`exit`, `cancelled`)
/// and the process; `state` and the fields after it are copied here once observed.
struct BatchJobRecord: Sendable, Hashable, LocalRecord {
    static let fileName = "job.json"
    static let instancesName = "instances.txt"

    var id: String
    var state: DetachedJob.Phase
    var request: BatchPredict
    var createdAt: Instant
    var startedAt: Instant?
    var finishedAt: Instant?
    var exitCode: Int32?
    var message: String?
    var process: ProcessIdentity?
    /// The folder the command runs in: the image folder of the model's run.
    var workingDirectory: String?
    /// The environment the command was started with (the `STEWARD_` variables).
    var environment: [String: String]?

    var key: String { request.key }


    func observed(state: WorkState, message: String? = nil) -> ObservedBatchJob {
        ObservedBatchJob(id: id, displayName: request.displayName, evaluation: request.evaluation, key: request.key,
                         state: state, outputURI: request.output.description, createdAt: createdAt, message: message)
    }
}

extension BatchJobRecord: DetachedJobRecord {}
