import Foundation
import StewardCore

/// Plans 1,000 pipelines with observed state in memory: plans per second and peak memory.
enum PlanBenchmark {
    static let pipelines = 1_000

    static func run() {
        let dataRoot = StorageURI(bucket: "bench-data", path: "data")
        var resources = [Resource(metadata: ObjectMeta(name: "data"), spec: .dataset(DatasetSpec(root: dataRoot)))]
        var trees: [TreeQuery: String] = [:]
        var blobs: [RepositoryPath: String] = [:]
        for i in 0..<pipelines {
            let context = RepositoryPath(unchecked: "pipelines/p\(i)")
            let modules = context.appending("models")
            let template = context.appending("pipeline.json")
            let spec = PipelineSpec(
                template: .repository(template), root: StorageURI(bucket: "bench-roots", path: "p\(i)"),
                image: .init(name: "gcr.io/bench/p\(i)", context: context),
                modules: .init(source: modules, destination: StorageURI(bucket: "bench-modules", path: "p\(i)")),
                dataset: "data", spans: 2,
                parameters: ["input-config": .string(#"{"pattern": "${spans.glob}/train/*"}"#), "epochs": .int(i % 7)])
            resources.append(Resource(metadata: ObjectMeta(name: "p\(i)"), spec: .pipeline(spec)))
            trees[TreeQuery(path: context, excluding: modules)] = String(repeating: String(i % 10), count: 40)
            trees[TreeQuery(path: modules)] = String(repeating: String((i + 3) % 10), count: 40)
            blobs[template] = String(repeating: "f", count: 40)
        }
        let manifests = ManifestSet(resources)
        let facts = SourceFacts(revision: String(repeating: "a", count: 40), trees: trees, blobs: blobs)
        let spans = (1...12).map { ObservedSpan(root: dataRoot, number: $0, state: .complete) }
        let now = Instant(millisecondsSinceEpoch: 1_790_000_000_000)

        // Observed: every other pipeline has already run with these inputs, the rest have a run in progress.
        let planner = Planner()
        let first = planner.plan(manifests: manifests, source: facts, observed: ObservedState(spans: spans), now: now)
        var runs: [ObservedRun] = []
        var images: [ObservedImage] = []
        for change in first.changes {
            if case .runPipeline(let run) = change.detail {
                let number = Int(run.pipeline.dropFirst()) ?? 0
                runs.append(ObservedRun(id: run.runID, pipeline: run.pipeline, key: run.key, attempt: 1, commit: run.commit,
                                        imageTree: run.imageTree, modulesTree: run.modulesTree, spans: run.spans,
                                        state: number % 2 == 0 ? .succeeded : .running, createdAt: now))
                images.append(ObservedImage(name: run.image!.split(separator: ":").first.map(String.init)!,
                                            tree: run.imageTree!, state: .succeeded))
            }
        }
        let observed = ObservedState(images: images, runs: runs, spans: spans)

        let iterations = 20
        var changes = 0
        let (_, seconds) = measure {
            for _ in 0..<iterations {
                changes = planner.plan(manifests: manifests, source: facts, observed: observed, now: now).changes.count
            }
        }
        let (_, firstSeconds) = measure { _ = planner.plan(manifests: manifests, source: facts, observed: ObservedState(spans: spans), now: now) }
        print("plan: \(pipelines) pipelines, observed state in memory")
        print("  steady state (\(changes) waits): \(String(format: "%.1f", Double(iterations) / seconds)) plans/s, \(String(format: "%.1f", seconds / Double(iterations) * 1000)) ms per plan, \(String(format: "%.0f", Double(pipelines * iterations) / seconds)) pipelines/s")
        print("  first plan (\(first.changes.count) changes): \(String(format: "%.1f", firstSeconds * 1000)) ms")
        print("  peak memory: \(String(format: "%.1f", peakMemoryMiB())) MiB")
    }
}
