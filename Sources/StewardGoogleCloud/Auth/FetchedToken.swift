/// An access token as a token endpoint returned it.
public struct FetchedToken: Sendable {
    public var value: String
    /// Seconds the token stays valid from when it was requested.
    public var expiresIn: Double

    public init(value: String, expiresIn: Double) {
        self.value = value
        self.expiresIn = expiresIn
    }
}

extension FetchedToken: CustomStringConvertible, CustomReflectable {
    /// Never shows the token.
    public var description: String { "access token (expires in \(Int(expiresIn)) s)" }
    public var customMirror: Mirror { Mirror(self, children: ["expiresIn": expiresIn]) }
}
