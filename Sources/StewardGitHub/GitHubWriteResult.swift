import StewardRuntime

/// What a create or upload produced, and whether it was new or already there.
public struct GitHubWriteResult<Value: Sendable>: Sendable {
    /// The release or asset.
    public var value: Value
    /// `.created`, or `.adopted` when it existed already.
    public var outcome: StartOutcome

    /// Pairs a value with its outcome.
    public init(_ value: Value, _ outcome: StartOutcome) {
        self.value = value
        self.outcome = outcome
    }
}
