import StewardCore

/// The life of one detached local job (a pipeline run or a batch prediction), judged from
/// evidence alone: what its folder holds and what the process table shows. Pure: gathering the
/// evidence and acting on the verdict is `DetachedJobRunner`'s.
///
/// A job goes `pending` → `launching` → `started` in its record. `launching` is written before
/// the process is spawned and `started` after, so a Steward killed in between leaves a record
/// that says nothing about the process. The wrapper's first act is to claim the job folder
/// (`pid`, created with `link`, which fails when it exists), so:
/// - a claim or a live wrapper of this folder means the command ran, or runs: the job is
///   observed from them (running, then its exit file), never launched again;
/// - neither, with nobody holding the folder's lock, means the process never started: the
///   job is as good as `pending`, and the next start of it launches it (the same attempt, so no
///   failed attempt is counted without evidence of one);
/// - a wrapper that lost the claim to another exits at once without running the command, so
///   two live copies of one job cannot exist.
enum DetachedJob {
    enum Phase: String, Sendable, Hashable, Codable {
        /// Recorded; the process is not launched yet.
        case pending
        /// About to spawn the process, or killed while doing so: the evidence decides which.
        case launching
        /// Spawned; the record names the process.
        case started
        case succeeded
        case failed
        case cancelled

        var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
    }

    /// What the job's process is seen doing.
    enum Sighting: Sendable, Hashable {
        /// The wrapper runs: the claimed one, the recorded one, or one found by its arguments.
        case alive(ProcessIdentity)
        /// The wrapper is gone but processes of its session still run (the command it started).
        case remnants(session: Int32)
        case none
    }

    enum Exit: Sendable, Hashable {
        case code(Int32)
        case unreadable
    }

    /// Everything the verdict depends on. The process is looked at before the exit file is read,
    /// so a job that exited between the two looks is seen exited, never vanished.
    struct Evidence: Sendable, Hashable {
        var phase: Phase
        /// The `cancelled` marker exists.
        var cancelled: Bool
        var exit: Exit?
        /// The wrapper claimed the folder (`pid` exists).
        var claimed: Bool
        var process: Sighting
        /// Another Steward holds the folder's lock: it is launching the job right now.
        var startInProgress: Bool
    }

    enum Ending: Sendable, Hashable {
        case exited(Int32)
        case unreadableExit
        case cancelled
        /// It started (claimed, or recorded as started) and is gone without an exit code.
        case vanished
        /// Finished earlier, as the record says.
        case recorded(Phase)
    }

    enum Verdict: Sendable, Hashable {
        /// No process ever started: the next start launches it; not observed meanwhile.
        case notStarted
        /// Being launched by another Steward.
        case starting
        /// Runs; the identity when the wrapper itself was seen.
        case running(ProcessIdentity?)
        case ended(Ending)
    }

    static func judge(_ evidence: Evidence) -> Verdict {
        if evidence.cancelled { return .ended(.cancelled) }
        switch evidence.exit {
        case .code(let code): return .ended(.exited(code))
        case .unreadable: return .ended(.unreadableExit)
        case nil: break
        }
        if evidence.phase.isFinished { return .ended(.recorded(evidence.phase)) }
        switch evidence.process {
        case .alive(let identity): return .running(identity)
        case .remnants: return .running(nil)
        case .none: break
        }
        if evidence.startInProgress { return .starting }
        switch evidence.phase {
        case .pending: return .notStarted
        case .launching: return evidence.claimed ? .ended(.vanished) : .notStarted
        case .started, .succeeded, .failed, .cancelled: return .ended(.vanished)
        }
    }

    /// The state a verdict is observed as, and nil for a job that is not observed (not started).
    static func workState(_ verdict: Verdict) -> WorkState? {
        switch verdict {
        case .notStarted: nil
        case .starting: .pending
        case .running: .running
        case .ended(.exited(0)), .ended(.recorded(.succeeded)): .succeeded
        case .ended(.cancelled), .ended(.recorded(.cancelled)): .cancelled
        case .ended: .failed
        }
    }

    /// The phase a finished state is written down as.
    static func phase(of state: WorkState) -> Phase {
        switch state {
        case .succeeded: .succeeded
        case .cancelled: .cancelled
        default: .failed
        }
    }
}
