import Logging
import StewardCore
import StewardRuntime

/// The local provider's adapters over one local root.
public struct LocalProvider: Sendable {
    /// The object store, image builder and pipeline service under `root` (absolute; resolve a
    /// relative `local.root` against the current directory first, see `LocalLayout.resolving`).
    public static func make(root: String, logger: Logger) -> Providers {
        let layout = LocalLayout(root: root)
        return Providers(kind: .local,
                         objects: LocalObjectStore(layout: layout, logger: logger),
                         images: LocalImageBuilder(layout: layout, logger: logger),
                         pipelines: LocalPipelineService(layout: layout, logger: logger))
    }
}
