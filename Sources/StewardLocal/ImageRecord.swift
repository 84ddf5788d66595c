import Foundation
import StewardCore

/// `.steward-image.json`: how an image folder was made.
struct ImageRecord: Sendable, Hashable, LocalRecord {
    static let fileName = ".steward-image.json"
    static let buildLogName = ".steward-build.log"

    /// The image names (repositories without tag) that use this tree; one context can serve several Pipelines.
    var names: [String]
    var tree: String
    var commit: String
    var key: String
    var pipeline: String
    var context: String
    /// `running` while `local.build` runs, then `succeeded` or `failed`.
    var state: WorkState
    var startedAt: Instant
    var finishedAt: Instant?
    var message: String?
    /// The `local.build` command that ran (nil: none, or a record from before it was kept).
    var build: String?


    func observed(as name: String) -> ObservedImage {
        ObservedImage(name: name, tree: tree, state: state, buildID: nil, startedAt: startedAt, message: message,
                      localBuild: build)
    }
}
