/// Everything one listing found, across all pages.
public struct StorageListing: Sendable, Hashable {
    /// The objects, in the order the service listed them (lexicographic by name).
    public var items: [StorageObject]
    /// With a delimiter: the distinct "folder" prefixes, each ending with the delimiter.
    public var prefixes: [String]

    public init(items: [StorageObject] = [], prefixes: [String] = []) {
        self.items = items
        self.prefixes = prefixes
    }
}
