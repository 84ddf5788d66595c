import Logging
import StewardCore

/// Reads what exists for a set of manifests: list calls per kind, never a call per resource where a list serves.
public struct Observer: Sendable {
    public var providers: Providers
    public var logger: Logger

    public init(providers: Providers, logger: Logger) {
        self.providers = providers
        self.logger = logger
    }

    public func observe(_ manifests: ManifestSet) async throws -> ObservedState {
        let imageNames = Set(manifests.pipelines.compactMap { $0.1.image?.name })
        let destinations = Set(manifests.pipelines.compactMap { $0.1.modules?.destination })
        let datasetRoots = Set(manifests.datasets.map { $0.1.root })
        let collections = manifests.datasets.compactMap { dataset in dataset.1.collection.map { (dataset.0.name, $0) } }
        let evaluations = manifests.evaluations.filter { !$0.1.suspend }
        let modelConsumers = !manifests.endpoints.isEmpty || !evaluations.isEmpty
        let repositories = Set(manifests.releases.compactMap { $0.1.repository ?? manifests.project?.1.github?.repository })

        async let images = imageNames.isEmpty ? [] : providers.images.observe(names: imageNames)
        async let runs = manifests.pipelines.isEmpty ? [] : providers.pipelines.observeRuns()
        async let copies = observeModuleCopies(destinations)
        async let spans = observeSpans(datasetRoots)
        async let batches = observeBatches(collections)
        async let jobs = evaluations.isEmpty ? [] : providers.batch.observeJobs()
        async let records = observeEvaluationRecords(evaluations.map { ($0.0.name, manifests.outputRoot(of: $0.1)) })
        async let models = modelConsumers ? providers.models.observeModels() : []
        async let endpoints = modelConsumers ? providers.endpoints.observeEndpoints() : []
        async let releases = repositories.isEmpty ? [] : providers.releases.observeReleases(repositories: repositories)
        let hasChecks = manifests.pipelines.contains { !$0.1.checks.isEmpty }
        async let checks = hasChecks ? providers.checks.observeChecks() : []
        return try await ObservedState(images: images, moduleCopies: copies, runs: runs, spans: spans, batches: batches,
                                       batchJobs: jobs, evaluations: records, models: models, endpoints: endpoints,
                                       releases: releases, checks: checks)
    }

    /// Collection batches: one listing of each prefix, then one per batch folder, counting the files that match.
    func observeBatches(_ collections: [(String, DatasetSpec.Collection)]) async throws -> [ObservedBatch] {
        var batches: [ObservedBatch] = []
        for (dataset, collection) in collections {
            let listing = try await providers.objects.list(collection.prefix, delimiter: "/")
            for folder in listing.prefixes {
                let inside = try await providers.objects.list(folder, delimiter: nil)
                let samples = inside.objects.map(\.uri).filter { uri in
                    let name = uri.path.split(separator: "/").last.map(String.init) ?? ""
                    return !name.hasPrefix(".") && Glob.matches(collection.pattern, name)
                }
                batches.append(ObservedBatch(dataset: dataset, uri: folder, samples: samples.sorted()))
            }
        }
        return batches
    }

    /// Evaluation results written beside the predictions: what was judged survives the state store.
    func observeEvaluationRecords(_ evaluations: [(String, StorageURI?)]) async throws -> [EvaluationRecord] {
        var records: [EvaluationRecord] = []
        for (name, root) in evaluations {
            guard let root else { continue }
            let listing = try await providers.objects.list(root.appending(name), delimiter: nil)
            for object in listing.objects where object.name == RecordName.evaluation {
                let bytes = try await providers.objects.read(object.uri)
                guard let record = try? EvaluationRecordFile.decode(bytes) else {
                    logger.debug("unreadable evaluation record", metadata: ["uri": "\(object.uri)"])
                    continue
                }
                records.append(record)
            }
        }
        return records.sorted { ($0.recordedAt, $0.batch) < ($1.recordedAt, $1.batch) }
    }

    /// Completed module copies: one listing per destination, a copy is complete when its marker exists.
    func observeModuleCopies(_ destinations: Set<StorageURI>) async throws -> [ObservedModuleCopy] {
        var copies: [ObservedModuleCopy] = []
        for destination in destinations.sorted() {
            let listing = try await providers.objects.list(destination, delimiter: nil)
            let prefix = destination.prefix
            for object in listing.objects where object.name == RecordName.moduleCopyMarker {
                let relative = object.uri.path.dropFirst(prefix.count)
                let parts = relative.split(separator: "/")
                if parts.count == 2 { copies.append(ObservedModuleCopy(destination: destination, tree: String(parts[0]))) }
            }
        }
        return copies
    }

    /// Span folders and their markers: one listing of the root, then one per span folder.
    func observeSpans(_ roots: Set<StorageURI>) async throws -> [ObservedSpan] {
        var spans: [ObservedSpan] = []
        for root in roots.sorted() {
            let listing = try await providers.objects.list(root, delimiter: "/")
            for prefix in listing.prefixes {
                guard let number = Spans.number(ofFolder: prefix.path.split(separator: "/").last.map(String.init) ?? "") else {
                    continue
                }
                let inside = try await providers.objects.list(prefix, delimiter: "/")
                let names = Set(inside.objects.map(\.name))
                let state: ObservedSpan.State =
                    names.contains(RecordName.spanSuccess) ? .complete
                    : names.contains(RecordName.spanInProgress) ? .inProgress
                    : .external
                // Steward's markers record where the span came from, so a batch becomes a span once.
                var source: String?
                if state != .external {
                    let marker = prefix.appending(state == .complete ? RecordName.spanSuccess : RecordName.spanInProgress)
                    source = SpanMarker.decode((try? await providers.objects.read(marker)) ?? [])?.source
                }
                spans.append(ObservedSpan(root: root, number: number, state: state, source: source))
            }
        }
        return spans.sorted { ($0.root, $0.number) < ($1.root, $1.number) }
    }
}
