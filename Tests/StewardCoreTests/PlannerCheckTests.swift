import StewardCore
import Testing

/// A Pipeline's checks in the planner: they gate the run, keyed by the trees and the commands.
@Suite("Planner: checks")
struct PlannerCheckTests {
    static let pipelineID = ResourceID(.pipeline, "train")

    /// The fixture Pipeline with a unit-test check and a compile check whose output is the template.
    static func manifests(checks: [PipelineSpec.Check]? = nil, template: TemplateSource = .check("compile")) -> ManifestSet {
        guard case .pipeline(var spec) = Fixture.pipeline().spec else { fatalError("the fixture is a Pipeline") }
        spec.checks = checks ?? [
            PipelineSpec.Check(name: "unit-tests", command: "python -m pytest -q models"),
            PipelineSpec.Check(name: "compile", command: "python compile.py spec.json", template: RepositoryPath(unchecked: "spec.json")),
        ]
        spec.template = template
        return ManifestSet([Fixture.dataset(), Resource(metadata: ObjectMeta(name: "train"), spec: .pipeline(spec))])
    }

    /// Built image and copied modules for the fixture's first trees, two complete spans.
    static func observed(checks: [ObservedCheck] = []) -> ObservedState {
        ObservedState(images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .succeeded)],
                      moduleCopies: [ObservedModuleCopy(destination: StorageURI(bucket: "modules-bucket", path: "modules"),
                                                        tree: Fixture.modulesTree1)],
                      spans: Fixture.spans(1...2), checks: checks)
    }

    static func plan(_ observed: ObservedState, manifests: ManifestSet = manifests(), facts: SourceFacts = Fixture.facts(),
                     retried: Set<ResourceID> = [], now: Instant = Fixture.at(10)) -> Plan {
        Planner().plan(manifests: manifests, source: facts, observed: observed, now: now, retried: retried)
    }

    static func due(_ plan: Plan) -> RunCheck? {
        for change in plan.changes { if case .runCheck(let check) = change.detail { return check } }
        return nil
    }

    static func passed(_ check: RunCheck, digest: String? = nil) -> ObservedCheck {
        ObservedCheck(id: check.checkID, pipeline: check.pipeline, name: check.name, key: check.key, attempt: check.attempt,
                      state: .succeeded, template: digest.map { _ in StorageURI(bucket: "b", path: "t/\(check.key)/spec.json") },
                      templateDigest: digest, createdAt: Fixture.at(0))
    }

    /// Passes every check in turn; returns the plan with the run due and the checks that passed.
    static func passAll(digest: String = "d1", facts: SourceFacts = Fixture.facts()) -> (Plan, [ObservedCheck]) {
        var checks: [ObservedCheck] = []
        var current = plan(observed(checks: checks), facts: facts)
        while let check = due(current) {
            checks.append(passed(check, digest: check.template == nil ? nil : digest))
            current = plan(observed(checks: checks), facts: facts)
        }
        return (current, checks)
    }

    @Test("the first check is due before any run, and the checks run in order")
    func inOrder() throws {
        let first = Self.plan(Self.observed())
        #expect(first.summaryLines == ["run-check start"])
        let check = try #require(Self.due(first))
        #expect(check.name == "unit-tests")
        #expect(first.changes.first?.reason == "unit-tests: image tree 1111111, modules tree 3333333")
        #expect(first.condition(Self.pipelineID)?.reason == "CheckDue")
        let second = Self.plan(Self.observed(checks: [Self.passed(check)]))
        #expect(Self.due(second)?.name == "compile")
        #expect(Fixture.plannedRun(second) == nil)
    }

    @Test("a failed check stalls the Pipeline with its output and is not planned again for its key, until a retry")
    func failedCheckHolds() throws {
        let check = try #require(Self.due(Self.plan(Self.observed())))
        var failed = Self.passed(check)
        failed.state = .failed
        failed.failedByResult = true
        failed.message = "exit code 1; last lines of the log:\nFAILED models/model_test.py::test_predict"
        let stalled = Self.plan(Self.observed(checks: [failed]))
        #expect(stalled.changes.isEmpty)
        #expect(stalled.condition(Self.pipelineID)?.type == .stalled)
        #expect(stalled.condition(Self.pipelineID)?.reason == "CheckFailed")
        #expect(stalled.condition(Self.pipelineID)?.message.contains("test_predict") == true)

        let retried = Self.plan(Self.observed(checks: [failed]), retried: [Self.pipelineID])
        #expect(Self.due(retried)?.attempt == 2)
        #expect(Self.due(retried)?.key == check.key)
    }

    @Test("a check that could not run is started again, at once and then backing off, then the Pipeline stalls")
    func couldNotRun() throws {
        let check = try #require(Self.due(Self.plan(Self.observed())))
        var checks: [ObservedCheck] = []
        for attempt in 1...3 {
            var vanished = Self.passed(check)
            vanished.id = check.checkID.replacingOccurrences(of: "-1", with: "-\(attempt)")
            vanished.attempt = attempt
            vanished.state = .failed
            vanished.message = "the check's process vanished"
            vanished.finishedAt = Fixture.at(100)
            checks.append(vanished)
            let next = Self.plan(Self.observed(checks: checks), now: Fixture.at(101))
            switch attempt {
            case 1:
                #expect(Self.due(next)?.attempt == 2, "the first time at once")
            case 2:
                #expect(Self.due(next) == nil)
                #expect(next.condition(Self.pipelineID)?.reason == "CheckBackingOff")
                #expect(next.summaryLines == ["run-check wait"])
                let later = Self.plan(Self.observed(checks: checks), now: Fixture.at(131))
                #expect(Self.due(later)?.attempt == 3, "30 s later")
            default:
                #expect(next.condition(Self.pipelineID)?.reason == "CheckCouldNotRun")
            }
        }
    }

    @Test("a fix commit changes the trees and so the keys: the checks run again")
    func fixRerunsChecks() throws {
        let (_, checks) = Self.passAll()
        let fixed = Self.plan(Self.observed(checks: checks), facts: Fixture.facts(modules: Fixture.modulesTree2))
        let check = try #require(Self.due(fixed))
        #expect(check.name == "unit-tests")
        #expect(check.key != checks[0].key)
    }

    @Test("the produced template feeds the run key, and the run reads it from where the check stored it")
    func templateFeedsKey() throws {
        let (one, _) = Self.passAll(digest: "digest-one")
        let (two, _) = Self.passAll(digest: "digest-two")
        let first = try #require(Fixture.plannedRun(one))
        let second = try #require(Fixture.plannedRun(two))
        #expect(first.key != second.key)
        guard case .storage(let stored) = first.template else {
            Issue.record("the run's template is \(first.template)")
            return
        }
        #expect(stored.path.hasSuffix("/spec.json"))
    }

    @Test("checks and their keys do not depend on anything but the trees, the commands and the checks before")
    func keysAreStable() throws {
        let a = try #require(Self.due(Self.plan(Self.observed(), facts: Fixture.facts(Fixture.commitB))))
        let b = try #require(Self.due(Self.plan(Self.observed(), facts: Fixture.facts(Fixture.commitC))))
        #expect(a.key == b.key, "another commit with the same trees (a README change) reruns nothing")
        let reordered = Self.manifests(checks: [PipelineSpec.Check(name: "unit-tests", command: "python -m pytest models")])
        let c = try #require(Self.due(Self.plan(Self.observed(), manifests: reordered)))
        #expect(c.key != a.key, "another command is another check")
    }
}
