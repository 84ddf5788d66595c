import StewardCore

/// Builders for planner tests: a repository with one training pipeline, like the seed.
enum Fixture {
    static let commitA = String(repeating: "a", count: 40)
    static let commitB = String(repeating: "b", count: 40)
    static let commitC = String(repeating: "c", count: 40)
    static let imageTree1 = "1111111111111111111111111111111111111111"
    static let imageTree2 = "2222222222222222222222222222222222222222"
    static let modulesTree1 = "3333333333333333333333333333333333333333"
    static let modulesTree2 = "4444444444444444444444444444444444444444"
    static let templateBlob = "5555555555555555555555555555555555555555"
    static let initialTree = "6666666666666666666666666666666666666666"

    static let context = RepositoryPath(unchecked: "training_pipeline")
    static let modules = RepositoryPath(unchecked: "training_pipeline/models")
    static let template = RepositoryPath(unchecked: "training_pipeline/pipeline.json")
    static let dataRoot = StorageURI(bucket: "data-bucket", path: "data")

    static func pipeline(_ name: String = "train", spans: Int? = 2, retries: Int = 0,
                         policy: ConcurrencyPolicy = .queue, suspend: Bool = false,
                         parameters: [String: ParameterValue]? = nil) -> Resource {
        let spec = PipelineSpec(
            template: .repository(template),
            root: StorageURI(bucket: "roots", path: "pipelines/\(name)"),
            image: .init(name: "gcr.io/p/\(name)", context: context),
            modules: .init(source: modules, destination: StorageURI(bucket: "modules-bucket", path: "modules")),
            dataset: "cifar10",
            spans: spans,
            parameters: parameters ?? [
                "input-config": .string(#"{"splits": [{"name": "train", "pattern": "${spans.glob}/train/*"}]}"#),
                "output-config": .string("{}"),
                "epochs": .int(3),
            ],
            retries: retries,
            concurrencyPolicy: policy,
            suspend: suspend
        )
        return Resource(metadata: ObjectMeta(name: name), spec: .pipeline(spec))
    }

    static func dataset(initialSpan: Bool = false) -> Resource {
        Resource(metadata: ObjectMeta(name: "cifar10"),
                 spec: .dataset(DatasetSpec(root: dataRoot, initialSpan: initialSpan ? RepositoryPath(unchecked: "data") : nil)))
    }

    static func manifests(_ resources: Resource...) -> ManifestSet { ManifestSet(resources) }

    /// Facts at a commit with the given trees.
    static func facts(_ revision: String = commitB, image: String = imageTree1, modules: String = modulesTree1,
                      changes: [ChangesQuery: [String]] = [:]) -> SourceFacts {
        SourceFacts(
            revision: revision,
            trees: [TreeQuery(path: context, excluding: Fixture.modules): image,
                    TreeQuery(path: Fixture.modules): modules,
                    TreeQuery(path: RepositoryPath(unchecked: "data")): initialTree],
            blobs: [template: templateBlob],
            changes: changes
        )
    }

    static func spans(_ numbers: ClosedRange<Int>, state: ObservedSpan.State = .complete) -> [ObservedSpan] {
        numbers.map { ObservedSpan(root: dataRoot, number: $0, state: state) }
    }

    static let t0 = Instant(millisecondsSinceEpoch: 1_790_000_000_000)
    static func at(_ seconds: Double) -> Instant { t0.adding(seconds: seconds) }

    /// The key the planner computes for the fixture pipeline with the given inputs (taken from a first plan).
    static func plannedRun(_ plan: Plan) -> RunPipeline? {
        for change in plan.changes {
            if case .runPipeline(let run) = change.detail { return run }
        }
        return nil
    }

    static func observedRun(from run: RunPipeline, state: WorkState, createdAt: Instant = at(0),
                            message: String? = nil) -> ObservedRun {
        ObservedRun(id: run.runID, pipeline: run.pipeline, key: run.key, attempt: run.attempt, commit: run.commit,
                    imageTree: run.imageTree, modulesTree: run.modulesTree, spans: run.spans, state: state,
                    createdAt: createdAt, message: message)
    }
}

extension Plan {
    /// `operation action` per change, for compact assertions.
    var summaryLines: [String] { changes.map { "\($0.operation.rawValue) \($0.action.rawValue)" } }

    func condition(_ id: ResourceID) -> Condition? { conditions.first { $0.resource == id }?.condition }
}
