import Foundation
import StewardCore
import Testing

/// Golden files for the plan's renderings. Re-record with `STEWARD_RECORD_GOLDEN=1 swift test` and review the diff.
@Suite("Plan renderings match their golden files")
struct RenderTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// A plan with every action: a new span, a build, a copy, a cancellation, a start and a wait.
    static func samplePlan() -> Plan {
        let planner = Planner()
        let fresh = Resource(metadata: ObjectMeta(name: "fresh"),
                             spec: .dataset(DatasetSpec(root: StorageURI(bucket: "fresh-data", path: "data"),
                                                        initialSpan: RepositoryPath(unchecked: "data"))))
        let manifests = Fixture.manifests(Fixture.dataset(), fresh, Fixture.pipeline(),
                                          Fixture.pipeline("serve-training", policy: .replace))
        let first = planner.plan(manifests: manifests, source: Fixture.facts(Fixture.commitA),
                                 observed: ObservedState(spans: Fixture.spans(1...2)), now: Fixture.at(0))
        var runs: [ObservedRun] = []
        for change in first.changes {
            if case .runPipeline(let run) = change.detail {
                runs.append(Fixture.observedRun(from: run, state: .running, createdAt: Fixture.at(0)))
            }
        }
        let observed = ObservedState(
            images: [ObservedImage(name: "gcr.io/p/train", tree: Fixture.imageTree1, state: .succeeded),
                     ObservedImage(name: "gcr.io/p/serve-training", tree: Fixture.imageTree1, state: .succeeded)],
            moduleCopies: [ObservedModuleCopy(destination: StorageURI(bucket: "modules-bucket", path: "modules"), tree: Fixture.modulesTree1)],
            runs: runs,
            spans: Fixture.spans(1...2) + [ObservedSpan(root: StorageURI(bucket: "other", path: "x"), number: 1, state: .complete)])
        let changes = [ChangesQuery(from: Fixture.commitA, path: Fixture.context): ["training_pipeline/Dockerfile", "training_pipeline/models/model.py"],
                       ChangesQuery(from: Fixture.commitA, path: Fixture.modules): ["training_pipeline/models/model.py"]]
        let diagnostics = [Diagnostic(at: SourceLocation(path: "manifests/extra.yaml", line: 14, column: 7),
                                      "unknown field 'imgae' in Pipeline spec", hint: "did you mean 'image'?")]
        return planner.plan(manifests: manifests, diagnostics: diagnostics,
                            source: Fixture.facts(Fixture.commitB, image: Fixture.imageTree2, modules: Fixture.modulesTree2, changes: changes),
                            observed: observed, now: Fixture.at(125))
    }

    func check(_ rendered: String, against name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["STEWARD_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try rendered.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(rendered == expected, "rendering differs from \(name); re-record with STEWARD_RECORD_GOLDEN=1 if intended")
    }

    @Test("text") func text() throws { try check(PlanRenderer().text(Self.samplePlan()), against: "plan.txt") }
    @Test("json") func json() throws { try check(PlanRenderer().json(Self.samplePlan()), against: "plan.json") }
    @Test("markdown") func markdown() throws { try check(PlanRenderer().markdown(Self.samplePlan()), against: "plan.md") }

    @Test("an empty plan says nothing is to do")
    func empty() {
        let plan = Plan(revision: Fixture.commitA, changes: [], conditions: [], diagnostics: [], observedDigest: "")
        #expect(PlanRenderer().text(plan) == "No changes at aaaaaaa: everything is up to date.\n")
    }

    @Test("the JSON carries the documented fields")
    func jsonShape() throws {
        let data = Data(PlanRenderer().json(Self.samplePlan()).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["revision"] as? String == Fixture.commitB)
        let changes = try #require(object["changes"] as? [[String: Any]])
        let operations = Set(changes.compactMap { $0["operation"] as? String })
        #expect(operations == ["prepare-span", "build-image", "copy-modules", "run-pipeline"])
        #expect(!changes.contains { $0["action"] as? String == "delete" }, "no cancellation while a manifest is invalid")
        for change in changes {
            #expect(change["resource"] is String && change["action"] is String && change["reason"] is String)
        }
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["text"] as? String == "manifests/extra.yaml:14:7: error: unknown field 'imgae' in Pipeline spec; did you mean 'image'?")
    }
}
