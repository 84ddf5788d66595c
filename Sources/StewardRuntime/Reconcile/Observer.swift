import Logging
import StewardCore

/// Reads what exists for a set of manifests: list calls per kind, never a call per resource where a list serves.
public struct Observer: Sendable {
    public var providers: Providers
    public var logger: Logger

    /// The marker written last into a module copy; a copy without it is incomplete.
    public static let moduleCopyMarker = ".steward-copy.json"
    /// Span markers (DESIGN §2).
    public static let spanInProgressMarker = "_STEWARD_IN_PROGRESS"
    public static let spanSuccessMarker = "_SUCCESS"

    public init(providers: Providers, logger: Logger) {
        self.providers = providers
        self.logger = logger
    }

    public func observe(_ manifests: ManifestSet) async throws -> ObservedState {
        let imageNames = Set(manifests.pipelines.compactMap { $0.1.image?.name })
        let destinations = Set(manifests.pipelines.compactMap { $0.1.modules?.destination })
        let datasetRoots = Set(manifests.datasets.map { $0.1.root })

        async let images = imageNames.isEmpty ? [] : providers.images.observe(names: imageNames)
        async let runs = manifests.pipelines.isEmpty ? [] : providers.pipelines.observeRuns()
        async let copies = observeModuleCopies(destinations)
        async let spans = observeSpans(datasetRoots)
        return try await ObservedState(images: images, moduleCopies: copies, runs: runs, spans: spans)
    }

    /// Completed module copies: one listing per destination, a copy is complete when its marker exists.
    func observeModuleCopies(_ destinations: Set<StorageURI>) async throws -> [ObservedModuleCopy] {
        var copies: [ObservedModuleCopy] = []
        for destination in destinations.sorted() {
            let listing = try await providers.objects.list(destination, delimiter: nil)
            let prefix = destination.prefix
            for object in listing.objects where object.name == Self.moduleCopyMarker {
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
                    names.contains(Self.spanSuccessMarker) ? .complete
                    : names.contains(Self.spanInProgressMarker) ? .inProgress
                    : .external
                spans.append(ObservedSpan(root: root, number: number, state: state))
            }
        }
        return spans.sorted { ($0.root, $0.number) < ($1.root, $1.number) }
    }
}
