/// Compares a batch prediction job's JSONL output with the batch's true labels.
///
/// Lines look like `{"instance": "gs://b/2026-11/cat_0001.jpg", "prediction": {"label": "cat", "confidence": 0.5}}`.
/// The instance may also be an object with `content`, `gcsUri` or `image_path`, or be given as `key`.
/// The prediction may be a label (string, or a number indexing `classes`), an object with `label`, an object
/// with `labels`/`classes`/`displayNames` and `scores`/`confidences`/`probabilities` (the label of the best
/// score), or an array of class scores (the arg-max indexes `classes`). Error lines carry `error` instead.
public struct PredictionEvaluator: Sendable {
    /// One sample of the batch: the name the job saw (a `gs://` URI or a path) and its true label.
    public struct Instance: Sendable, Hashable {
        /// The sample as the job's input named it.
        public var name: String
        /// The true label.
        public var label: String

        /// A sample and its true label.
        public init(name: String, label: String) {
            self.name = name
            self.label = label
        }
    }

    /// One file of the job's output directory.
    public struct OutputFile: Sendable, Hashable {
        /// The object name or path; only the part after the last `/` decides what the file is.
        public var name: String
        /// The file's content.
        public var bytes: [UInt8]

        /// A named output file.
        public init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// Class names in label order; empty means the batch's own true labels are the known labels.
    public var classes: [String]
    /// The lowest passing accuracy, in [0, 1].
    public var threshold: Double

    /// An evaluator for a dataset's classes and an Evaluation's threshold.
    public init(classes: [String], threshold: Double) {
        self.classes = classes
        self.threshold = threshold
    }

    /// Whether an output file holds predictions: `prediction.results-*` (observed) or `predictions_*` (documented).
    public static func isPredictionOutput(name: String) -> Bool {
        let base = baseName(name)
        return base.hasPrefix("prediction.results-") || base.hasPrefix("predictions_")
    }

    /// Whether an output file reports failures: `prediction.errors_stats-*` (observed) or `errors_*` (documented).
    public static func isErrorOutput(name: String) -> Bool {
        let base = baseName(name)
        return base.hasPrefix("prediction.errors_stats-") || base.hasPrefix("errors_")
    }

    /// Evaluates every prediction and error file among `outputs`; other files are skipped.
    ///
    /// In error files only JSON lines naming an instance count: Vertex also writes aggregate statistics there,
    /// which name no sample. Instances match the batch's names exactly; when every batch name is a bare file
    /// name (no `/`), they match the last path component of the instance instead.
    public func evaluate(batch: [Instance], outputs: [OutputFile]) -> EvaluationOutcome {
        var run = EvaluationRun(classes: classes, batch: batch)
        for file in outputs {
            let predictions = Self.isPredictionOutput(name: file.name)
            guard predictions || Self.isErrorOutput(name: file.name) else { continue }
            file.bytes.withUnsafeBufferPointer { run.consume($0, strict: predictions) }
        }
        return run.outcome(threshold: threshold)
    }

    /// Evaluates the lines of one prediction file's content.
    public func evaluate(batch: [Instance], lines: [UInt8]) -> EvaluationOutcome {
        evaluate(batch: batch, outputs: [OutputFile(name: "prediction.results-00000-of-00001", bytes: lines)])
    }

    /// The part after the last `/`.
    static func baseName(_ name: String) -> Substring {
        guard let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) else { return Substring(name) }
        return name[name.utf8.index(after: slash)...]
    }
}

/// The mutable state of one evaluation: per-sample outcomes and counters.
private struct EvaluationRun {
    static let pending: UInt8 = 0, correct: UInt8 = 1, wrong: UInt8 = 2, errored: UInt8 = 3

    struct Entry {
        /// The true label's index in `labels`, or -1 when it is not among the classes.
        var truth: Int32
        var state: UInt8 = EvaluationRun.pending
    }

    var instances: ByteKeyTable
    var labels: ByteKeyTable
    /// The label-table index of each class, by class index.
    var classIDs: [Int]
    var classesGiven: Bool
    /// Per distinct instance, in one array so that a line touches one place: its true label and outcome.
    var entries: [Entry] = []
    var matchBaseNames: Bool
    var scratch: [UInt8] = []
    var unknownTrueLabels = 0
    var correct = 0, wrong = 0, errors = 0, malformed = 0, unknownLabels = 0, ignored = 0, duplicates = 0
    var firstError: String?

    init(classes: [String], batch: [PredictionEvaluator.Instance]) {
        instances = ByteKeyTable(capacity: batch.count)
        classesGiven = !classes.isEmpty
        var known = ByteKeyTable(capacity: max(classes.count, 16))
        classIDs = classes.map { known.insert($0) }
        labels = known
        matchBaseNames = !batch.isEmpty && batch.allSatisfy { !$0.name.utf8.contains(UInt8(ascii: "/")) }
        entries.reserveCapacity(batch.count)
        for sample in batch {
            guard instances.insert(sample.name) == entries.count else { continue }
            if let id = labels.lookup(sample.label) {
                entries.append(Entry(truth: Int32(id)))
            } else if classesGiven {
                entries.append(Entry(truth: -1))
                unknownTrueLabels += 1
            } else {
                entries.append(Entry(truth: Int32(labels.insert(sample.label))))
            }
        }
    }

    /// Reads every line of one file. In a non-strict (error) file, lines that name no instance are skipped.
    mutating func consume(_ buffer: UnsafeBufferPointer<UInt8>, strict: Bool) {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        var start = 0
        // A UTF-8 byte order mark is not part of the first line.
        if count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        while start < count {
            var stop = start
            // JSON strings cannot hold a raw newline, so every line ends at the next one.
            while stop < count && base[stop] != 0x0A { stop += 1 }
            var scanner = PredictionLineScanner(base: base, start: start, end: stop)
            let line = scanner.scan()
            take(line, base: base, strict: strict)
            start = stop + 1
        }
    }

    @inline(__always)
    private mutating func take(_ line: ScannedLine, base: UnsafePointer<UInt8>, strict: Bool) {
        switch line.kind {
        case .blank:
            return
        case .malformed:
            if strict {
                errors += 1
                malformed += 1
            }
            return
        case .prediction, .error:
            break
        }
        guard let name = line.instance, let index = lookupInstance(name, base: base) else {
            ignored += 1
            return
        }
        guard entries[index].state == Self.pending else {
            duplicates += 1
            return
        }
        if line.kind == .error {
            entries[index].state = Self.errored
            errors += 1
            if firstError == nil { firstError = line.errorMessage.map { JSONString.string(base, $0) } ?? "" }
            return
        }
        guard let label = labelID(line.label, base: base).map(Int32.init) else {
            entries[index].state = Self.wrong
            wrong += 1
            unknownLabels += 1
            return
        }
        if label == entries[index].truth {
            entries[index].state = Self.correct
            correct += 1
        } else {
            entries[index].state = Self.wrong
            wrong += 1
        }
    }

    @inline(__always)
    private mutating func lookupInstance(_ name: RawString, base: UnsafePointer<UInt8>) -> Int? {
        var start = base + name.start
        var count = name.end - name.start
        if name.escaped {
            scratch.removeAll(keepingCapacity: true)
            JSONString.decode(base, name, into: &scratch)
            return scratch.withUnsafeBufferPointer { buffer in
                var start = buffer.baseAddress
                var count = buffer.count
                if matchBaseNames, let slash = buffer.lastIndex(of: UInt8(ascii: "/")) {
                    start = buffer.baseAddress! + slash + 1
                    count = buffer.count - slash - 1
                }
                return instances.lookup(start, count)
            }
        }
        if matchBaseNames {
            var i = count - 1
            while i >= 0 && start[i] != UInt8(ascii: "/") { i -= 1 }
            start += i + 1
            count -= i + 1
        }
        return instances.lookup(start, count)
    }

    @inline(__always)
    private mutating func labelID(_ label: RawLabel, base: UnsafePointer<UInt8>) -> Int? {
        switch label {
        case .unusable:
            return nil
        case .index(let n):
            if classesGiven { return n < classIDs.count ? classIDs[n] : nil }
            return labels.lookup(String(n))
        case .text(let text):
            if !text.escaped { return labels.lookup(base + text.start, text.end - text.start) }
            scratch.removeAll(keepingCapacity: true)
            JSONString.decode(base, text, into: &scratch)
            return scratch.withUnsafeBufferPointer { labels.lookup($0.baseAddress, $0.count) }
        }
    }

    func outcome(threshold: Double) -> EvaluationOutcome {
        let missing = entries.reduce(0) { $0 + ($1.state == Self.pending ? 1 : 0) }
        return EvaluationOutcome(samples: entries.count, correct: correct, wrong: wrong, errors: errors, malformed: malformed,
                                 missing: missing, unknownLabels: unknownLabels, unknownTrueLabels: unknownTrueLabels,
                                 ignored: ignored, duplicates: duplicates, threshold: threshold, firstError: firstError)
    }
}
