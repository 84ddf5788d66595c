import Foundation
import StewardCore

/// `runs/<run id>/run.json`: what was asked for, and how far the start got.
///
/// The run's outcome is judged from the files beside it (`pid`, `exit`, `cancelled`) and the process;
/// `state` and the fields after it are copied here once observed, for people reading the folder.
struct RunRecord: Sendable, Hashable, LocalRecord {
    static let fileName = "run.json"
    typealias Phase = DetachedJob.Phase

    var state: Phase
    var request: RunPipeline
    var createdAt: Instant
    var startedAt: Instant?
    var finishedAt: Instant?
    var exitCode: Int32?
    var message: String?
    var process: ProcessIdentity?
    /// The folder the command runs in.
    var workingDirectory: String?
    /// Where the run writes `BLESSED`, when the Pipeline declares a blessing.
    var blessingDirectory: String?

    var key: String { request.key }


    func observed(state: WorkState, finishedAt: Instant? = nil, message: String? = nil) -> ObservedRun {
        // A succeeded run offers its model folder, and its blessing when the Pipeline reports one (TFX's `BLESSED` file).
        var modelURI: String?
        var blessed: Bool?
        if state == .succeeded, let model = request.outputs?.model {
            modelURI = request.root.appending(request.runID).appending(model.task).appending(model.artifact).description
            if let blessingDirectory {
                blessed = FileManager.default.fileExists(atPath: blessingDirectory + "/" + RecordName.blessed)
            } else if request.outputs?.blessing != nil {
                blessed = false
            }
        }
        return ObservedRun(id: request.runID, pipeline: request.pipeline, key: request.key, attempt: request.attempt,
                           commit: request.commit, imageTree: request.imageTree, modulesTree: request.modulesTree,
                           spans: request.spans, state: state, createdAt: createdAt, finishedAt: finishedAt,
                           message: message, modelURI: modelURI, blessed: blessed)
    }
}

extension RunRecord: DetachedJobRecord {}
