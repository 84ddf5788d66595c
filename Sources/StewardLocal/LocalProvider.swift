import Logging
import StewardCore
import StewardRuntime

/// The local provider's adapters over one local root.
public struct LocalProvider: Sendable {
    /// The object store, image builder, pipeline service, model registry, endpoint service, batch
    /// prediction service and release service under `root` (absolute; resolve a relative `local.root`
    /// against the current directory first, see `LocalLayout.resolving`).
    public static func make(root: String, logger: Logger) -> Providers {
        let layout = LocalLayout(root: root)
        return Providers(kind: .local,
                         objects: LocalObjectStore(layout: layout, logger: logger),
                         images: LocalImageBuilder(layout: layout, logger: logger),
                         pipelines: LocalPipelineService(layout: layout, logger: logger),
                         models: LocalModelRegistry(layout: layout, logger: logger),
                         endpoints: LocalEndpointService(layout: layout, logger: logger),
                         batch: LocalBatchPredictionService(layout: layout, logger: logger),
                         releases: LocalReleaseService(layout: layout, logger: logger),
                         checks: LocalCheckService(layout: layout, logger: logger))
    }
}
