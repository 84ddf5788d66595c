extension String {
    /// The string without trailing characters matching `predicate`.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var result = Substring(self)
        while let last = result.last, predicate(last) { result = result.dropLast() }
        return String(result)
    }
}
