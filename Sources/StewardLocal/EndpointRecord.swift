import Foundation
import StewardCore

/// `endpoints/<resource>.json`: an endpoint, its deployed models and its traffic split.
struct EndpointRecord: Sendable, Hashable, LocalRecord {
    /// The Endpoint resource's name in the manifests.
    var resource: String
    /// The endpoint's id: its resource name, locally.
    var id: String
    var displayName: String
    var labels: [String: String]
    var createdAt: Instant
    var deployedModels: [ObservedEndpoint.DeployedModel]
    /// Percent of traffic by deployed model id.
    var trafficSplit: [String: Int]


    var observed: ObservedEndpoint {
        ObservedEndpoint(resource: resource, id: id, displayName: displayName, deployedModels: deployedModels,
                         trafficSplit: trafficSplit)
    }
}
