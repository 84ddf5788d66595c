/// The result of comparing a batch's predictions with its true labels.
///
/// Every sample of the batch is exactly one of: `correct`, `wrong`, errored (its first line is an
/// error line) or `missing`, so `correct + wrong + (errors - malformed) + missing == samples`.
public struct EvaluationOutcome: Sendable, Hashable, Codable {
    /// Distinct instances in the batch.
    public var samples: Int
    /// Samples whose first prediction is their true label.
    public var correct: Int
    /// Samples whose first prediction is another label, including `unknownLabels`.
    public var wrong: Int
    /// Error lines for samples of the batch, plus `malformed` lines.
    public var errors: Int
    /// Lines that are not a JSON object naming an instance with a `prediction` or an `error`; counted in `errors`.
    public var malformed: Int
    /// Samples with neither a prediction nor an error line.
    public var missing: Int
    /// Predictions whose label is not among the classes (or has no usable label); counted in `wrong`.
    public var unknownLabels: Int
    /// Samples whose true label is not among the dataset's classes; they can never be correct.
    public var unknownTrueLabels: Int
    /// Lines for instances that are not in the batch.
    public var ignored: Int
    /// Lines for a sample that already had one; the first line counts.
    public var duplicates: Int
    /// `correct / samples`, and 0 for an empty batch.
    public var accuracy: Double
    /// The threshold the accuracy was held against.
    public var threshold: Double
    /// `accuracy >= threshold`: exactly at the threshold passes.
    public var passed: Bool
    /// The message of the first error line, for a condition or a log line.
    public var firstError: String?

    /// An outcome from its counts; `accuracy` and `passed` are derived.
    public init(samples: Int, correct: Int, wrong: Int, errors: Int, malformed: Int, missing: Int, unknownLabels: Int,
                unknownTrueLabels: Int = 0, ignored: Int = 0, duplicates: Int = 0, threshold: Double, firstError: String? = nil) {
        self.samples = samples
        self.correct = correct
        self.wrong = wrong
        self.errors = errors
        self.malformed = malformed
        self.missing = missing
        self.unknownLabels = unknownLabels
        self.unknownTrueLabels = unknownTrueLabels
        self.ignored = ignored
        self.duplicates = duplicates
        // The seed divided by the number of results and crashed on an empty batch; an empty batch scores 0.
        self.accuracy = samples == 0 ? 0 : Double(correct) / Double(samples)
        self.threshold = threshold
        self.passed = accuracy >= threshold
        self.firstError = firstError
    }

    /// The record the store keeps of this outcome.
    public func record(evaluation: String, batch: String, model: String, recordedAt: Instant) -> EvaluationRecord {
        EvaluationRecord(evaluation: evaluation, batch: batch, model: model, samples: samples, correct: correct,
                         errors: errors, missing: missing, accuracy: accuracy, threshold: threshold, passed: passed,
                         recordedAt: recordedAt)
    }
}
