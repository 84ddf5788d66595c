import StewardRuntime

/// The result of a create with a client-chosen id: the resource, and whether this call made it or found it.
public struct Creation<Resource: Sendable>: Sendable {
    public var resource: Resource
    public var outcome: StartOutcome

    public init(resource: Resource, outcome: StartOutcome) {
        self.resource = resource
        self.outcome = outcome
    }
}
