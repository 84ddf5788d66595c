/// A problem with collected data that a person has to fix: a labels file or a sample's label.
public enum DataError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A labels file line that is not `filename,label`.
    case badLabelsLine(line: Int, reason: String)
    /// Two lines of a labels file give one file different labels.
    case conflictingLabels(file: String, first: String, second: String, line: Int)
    /// A sample's label is not one of the dataset's classes.
    case unknownLabel(sample: String, label: String, classes: [String])
    /// A sample has no label.
    case unlabeled(sample: String)
    /// Two samples would be written to the same file of a span.
    case duplicateFileName(String)
    /// A TFRecord span needs `classes` to number the labels.
    case noClasses

    /// A lowercase message with user input in single quotes.
    public var description: String {
        switch self {
        case .badLabelsLine(let line, let reason):
            "labels file line \(line): \(reason); expected 'filename,label'"
        case .conflictingLabels(let file, let first, let second, let line):
            "labels file line \(line): '\(file)' is labelled '\(second)' but was labelled '\(first)' before"
        case .unknownLabel(let sample, let label, let classes):
            "sample '\(sample)' has label '\(label)', which is not one of the classes "
                + classes.map { "'\($0)'" }.joined(separator: ", ")
        case .unlabeled(let sample):
            "sample '\(sample)' has no label; name it '<label>_<n>.<ext>' or list it in the labels file"
        case .duplicateFileName(let name):
            "two samples are both named '\(name)'; a span folder cannot hold both"
        case .noClasses:
            "the dataset lists no 'classes'; a tfrecord span needs them to number the labels"
        }
    }
}
