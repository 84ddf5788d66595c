import Foundation
import StewardCore

/// `checks/<check id>/check.json`: a check, what was asked for and how far the start got.
///
/// Like a run's record: the outcome is judged from the files beside it and the process; `state` and the
/// fields after it are copied here once observed.
struct CheckRecord: Sendable, Hashable, LocalRecord {
    static let fileName = "check.json"
    /// The scratch folder: a copy of the image with the modules in place, where the command runs.
    static let workName = "work"

    var state: DetachedJob.Phase
    var request: RunCheck
    var createdAt: Instant
    var startedAt: Instant?
    var finishedAt: Instant?
    var exitCode: Int32?
    var message: String?
    var process: ProcessIdentity?
    /// The digest of the template the check produced, once stored.
    var templateDigest: String?

    var key: String { request.key }

}

extension CheckRecord: DetachedJobRecord {}
