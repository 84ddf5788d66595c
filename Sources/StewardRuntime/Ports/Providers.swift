import StewardCore

/// The adapters of one provider, behind the ports.
public struct Providers: Sendable {
    public var kind: ProviderKind
    public var objects: any ObjectStore
    public var images: any ImageBuilder
    public var pipelines: any PipelineService
    public var models: any ModelRegistry
    public var endpoints: any EndpointService
    public var batch: any BatchPredictionService
    public var releases: any ReleaseService
    public var checks: any CheckService

    public init(kind: ProviderKind, objects: any ObjectStore, images: any ImageBuilder, pipelines: any PipelineService,
                models: any ModelRegistry, endpoints: any EndpointService, batch: any BatchPredictionService,
                releases: any ReleaseService, checks: (any CheckService)? = nil) {
        self.checks = checks ?? NoCheckService(provider: kind.rawValue)
        self.kind = kind
        self.objects = objects
        self.images = images
        self.pipelines = pipelines
        self.models = models
        self.endpoints = endpoints
        self.batch = batch
        self.releases = releases
    }
}
