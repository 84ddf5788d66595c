import Foundation
import StewardCore
import Testing

@Suite("Files of a new span")
struct SpanBuilderTests {
    static let classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    static func samples(_ count: Int) -> [SpanBuilder.Sample] {
        (0..<count).map { i in
            let label = classes[(i * 7) % 10]
            return SpanBuilder.Sample(name: "gs://collect/2026-11/\(label)_\(i).jpg",
                                      bytes: [0xFF, 0xD8] + Array(repeating: UInt8(i), count: i), label: label)
        }
    }

    @Test("a tfrecord span holds the split's examples; an independent reader checks CRCs and decodes labels")
    func tfrecordSpan() throws {
        let samples = Self.samples(20)
        let files = try SpanBuilder.files(for: samples, format: .tfrecord, splits: .init(train: 80, test: 20), classes: Self.classes)
        #expect(files.map(\.path) == ["train/data-00000-of-00001.tfrecord", "test/data-00000-of-00001.tfrecord"])
        let run = try PythonPeer.run(["examples", "$DIR/train/data-00000-of-00001.tfrecord", "$DIR/test/data-00000-of-00001.tfrecord"],
                                     files: Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.bytes) }))
        let records = run.output.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        try #require(records.count == 20)
        let split = Split.assign(samples: samples.map(\.name), splits: .init(train: 80, test: 20))
        let expected = split.train.map { ("train", $0) } + split.test.map { ("test", $0) }
        for (record, (side, name)) in zip(records, expected) {
            let sample = samples.first { $0.name == name }!
            let features = record["features"] as! [String: [String: Any]]
            #expect(record["file"] as? String == side)
            #expect(features["label"]?["int64s"] as? [Int] == [Self.classes.firstIndex(of: sample.label)!])
            #expect(features["image"]?["bytes"] as? [String] == [sample.bytes.hex])
        }
    }

    @Test("a copy span holds the files as they are, under train/ and test/")
    func copySpan() throws {
        let samples = Self.samples(10)
        let files = try SpanBuilder.files(for: samples, format: .copy, splits: .init(train: 70, test: 30), classes: [])
        #expect(files.filter { $0.path.hasPrefix("train/") }.count == 7)
        #expect(files.filter { $0.path.hasPrefix("test/") }.count == 3)
        for sample in samples {
            let name = String(sample.name.split(separator: "/").last!)
            let matching = files.filter { $0.path == "train/\(name)" || $0.path == "test/\(name)" }
            #expect(matching.count == 1 && matching.first?.bytes == sample.bytes)
        }
    }

    @Test("the dataset's format, splits and classes decide the files")
    func fromDataset() throws {
        let dataset = DatasetSpec(root: StorageURI(bucket: "data", path: "cifar10"), splits: .init(train: 50, test: 50),
                                  format: .tfrecord, classes: Self.classes)
        let files = try SpanBuilder.files(for: Self.samples(4), dataset: dataset)
        #expect(files.count == 2)
        let same = try SpanBuilder.files(for: Self.samples(4).reversed(), dataset: dataset)
        #expect(files == same)
    }

    @Test("a label outside the classes is an error that lists the classes")
    func unknownLabel() {
        let samples = [SpanBuilder.Sample(name: "gs://c/zebra_1.jpg", bytes: [1], label: "zebra")]
        let error = DataError.unknownLabel(sample: "gs://c/zebra_1.jpg", label: "zebra", classes: ["cat", "dog"])
        #expect(throws: error) {
            try SpanBuilder.files(for: samples, format: .tfrecord, splits: .init(), classes: ["cat", "dog"])
        }
        #expect(error.description == "sample 'gs://c/zebra_1.jpg' has label 'zebra', which is not one of the classes 'cat', 'dog'")
        #expect(throws: DataError.noClasses) { try SpanBuilder.files(for: samples, format: .tfrecord, splits: .init(), classes: []) }
    }

    @Test("two samples with one file name cannot share a copy span")
    func duplicateNames() {
        let samples = [SpanBuilder.Sample(name: "a/cat_1.jpg", bytes: [1], label: "cat"),
                       SpanBuilder.Sample(name: "b/cat_1.jpg", bytes: [2], label: "cat")]
        #expect(throws: DataError.duplicateFileName("cat_1.jpg")) {
            try SpanBuilder.files(for: samples, format: .copy, splits: .init(), classes: [])
        }
    }
}
