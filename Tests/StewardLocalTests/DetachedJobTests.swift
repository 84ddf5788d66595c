import StewardCore
import Testing
@testable import StewardLocal

/// The verdicts on a detached job's evidence, as one table: the launch cases are the ones a
/// Steward killed between writing `launching` and recording the process leaves behind.
@Suite("Detached job verdicts")
struct DetachedJobTests {
    static let wrapper = ProcessIdentity(pid: 4242, startTime: 99)

    static func evidence(_ phase: DetachedJob.Phase, cancelled: Bool = false, exit: DetachedJob.Exit? = nil,
                         claimed: Bool = false, process: DetachedJob.Sighting = .none,
                         startInProgress: Bool = false) -> DetachedJob.Evidence {
        DetachedJob.Evidence(phase: phase, cancelled: cancelled, exit: exit, claimed: claimed, process: process,
                             startInProgress: startInProgress)
    }

    static let table: [(String, DetachedJob.Evidence, DetachedJob.Verdict, WorkState?)] = [
        ("pending, nobody starting it: the next start launches it",
         evidence(.pending), .notStarted, nil),
        ("pending, being started", evidence(.pending, startInProgress: true), .starting, .pending),
        ("launching, killed before the spawn: no claim, no process, not a failed attempt",
         evidence(.launching), .notStarted, nil),
        ("launching, being started", evidence(.launching, startInProgress: true), .starting, .pending),
        ("launching, killed after the spawn: the wrapper found by its arguments runs",
         evidence(.launching, process: .alive(wrapper)), .running(wrapper), .running),
        ("launching, claimed and running", evidence(.launching, claimed: true, process: .alive(wrapper)),
         .running(wrapper), .running),
        ("launching, claimed, ended with an exit code", evidence(.launching, exit: .code(0), claimed: true),
         .ended(.exited(0)), .succeeded),
        ("launching, claimed, gone without an exit code: it ran, so it failed",
         evidence(.launching, claimed: true), .ended(.vanished), .failed),
        ("started and running", evidence(.started, claimed: true, process: .alive(wrapper)), .running(wrapper), .running),
        ("started, the wrapper gone, its command still running",
         evidence(.started, claimed: true, process: .remnants(session: 4242)), .running(nil), .running),
        ("started, exited 3", evidence(.started, exit: .code(3), claimed: true), .ended(.exited(3)), .failed),
        ("started, an exit file that is no number", evidence(.started, exit: .unreadable, claimed: true),
         .ended(.unreadableExit), .failed),
        ("started, gone without an exit code", evidence(.started, claimed: true), .ended(.vanished), .failed),
        ("cancelled wins over a running process", evidence(.started, cancelled: true, process: .alive(wrapper)),
         .ended(.cancelled), .cancelled),
        ("an exit code wins over a process seen before it", evidence(.started, exit: .code(0), process: .alive(wrapper)),
         .ended(.exited(0)), .succeeded),
        ("a finished record stays finished", evidence(.succeeded), .ended(.recorded(.succeeded)), .succeeded),
        ("a start that could not spawn is failed", evidence(.failed), .ended(.recorded(.failed)), .failed),
    ]

    @Test("each piece of evidence gives its verdict", arguments: table.indices)
    func verdict(_ index: Int) {
        let (name, evidence, verdict, state) = Self.table[index]
        #expect(DetachedJob.judge(evidence) == verdict, "\(name)")
        #expect(DetachedJob.workState(DetachedJob.judge(evidence)) == state, "\(name)")
    }

    @Test("without evidence of a process, a launch is never judged failed")
    func noFailureWithoutEvidence() {
        for phase in [DetachedJob.Phase.pending, .launching] {
            for startInProgress in [false, true] {
                let state = DetachedJob.workState(DetachedJob.judge(Self.evidence(phase, startInProgress: startInProgress)))
                #expect(state != .failed, "\(phase) startInProgress=\(startInProgress)")
            }
        }
    }
}
