/// A response from the fake.
public struct FakeGitHubResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)] = []
    public var body: [UInt8] = []
}
