/// The files of a new span built from a collection batch: pure, the caller writes them between the markers.
public enum SpanBuilder {
    /// One collected sample with its content and true label.
    public struct Sample: Sendable, Hashable {
        /// The sample's name (a `gs://` URI, a path or a bare file name); its split depends on it.
        public var name: String
        /// The file's bytes, e.g. a JPEG.
        public var bytes: [UInt8]
        /// The true label, one of the dataset's classes.
        public var label: String

        /// A sample.
        public init(name: String, bytes: [UInt8], label: String) {
            self.name = name
            self.bytes = bytes
            self.label = label
        }
    }

    /// One file of the span, relative to the span folder (`train/…` or `test/…`).
    public struct File: Sendable, Hashable {
        /// The path under `span-<N>/`.
        public var path: String
        /// The content.
        public var bytes: [UInt8]

        /// A span file.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// The train TFRecord file of a span.
    public static let trainRecords = "train/data-00000-of-00001.tfrecord"
    /// The test TFRecord file of a span.
    public static let testRecords = "test/data-00000-of-00001.tfrecord"

    /// The files of a span of `samples` in the dataset's format, split by its `splits`.
    public static func files(for samples: [Sample], dataset: DatasetSpec) throws(DataError) -> [File] {
        try files(for: samples, format: dataset.format, splits: dataset.splits, classes: dataset.classes)
    }

    /// The files of a span: for `tfrecord`, one file per side of `TFExample.imageExample`s (label = the class's
    /// index in `classes`); for `copy`, the samples as they are under `train/` and `test/` by their file names.
    public static func files(for samples: [Sample], format: DataFormat, splits: DatasetSpec.Splits,
                             classes: [String]) throws(DataError) -> [File] {
        var byName: [String: Sample] = [:]
        for sample in samples where byName[sample.name] == nil { byName[sample.name] = sample }
        let (train, test) = Split.assign(samples: samples.map(\.name), splits: splits)
        switch format {
        case .tfrecord:
            guard !classes.isEmpty else { throw .noClasses }
            var index: [String: Int64] = [:]
            for (i, name) in classes.enumerated() where index[name] == nil { index[name] = Int64(i) }
            func records(_ names: [String]) throws(DataError) -> [UInt8] {
                var writer = TFRecordWriter()
                for name in names {
                    let sample = byName[name]!
                    guard let label = index[sample.label] else {
                        throw .unknownLabel(sample: name, label: sample.label, classes: classes)
                    }
                    writer.append(TFExample.imageExample(image: sample.bytes, label: label).serialized())
                }
                return writer.bytes
            }
            return [File(path: trainRecords, bytes: try records(train)), File(path: testRecords, bytes: try records(test))]
        case .copy:
            var files: [File] = []
            var used = Set<String>()
            for (side, names) in [("train", train), ("test", test)] {
                for name in names {
                    let base = String(PredictionEvaluator.baseName(name))
                    guard used.insert(base).inserted else { throw .duplicateFileName(base) }
                    files.append(File(path: "\(side)/\(base)", bytes: byName[name]!.bytes))
                }
            }
            return files
        }
    }
}
