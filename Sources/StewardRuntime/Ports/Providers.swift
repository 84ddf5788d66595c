import StewardCore

/// The adapters of one provider, behind the ports.
public struct Providers: Sendable {
    public var kind: ProviderKind
    public var objects: any ObjectStore
    public var images: any ImageBuilder
    public var pipelines: any PipelineService

    public init(kind: ProviderKind, objects: any ObjectStore, images: any ImageBuilder, pipelines: any PipelineService) {
        self.kind = kind
        self.objects = objects
        self.images = images
        self.pipelines = pipelines
    }
}
