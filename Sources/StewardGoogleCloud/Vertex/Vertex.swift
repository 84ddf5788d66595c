/// Vertex AI (aiplatform v1) request and response messages, with the discovery document's field names.
///
/// Only the fields Steward sends or reads are declared; decoding ignores the others. `int64` fields are
/// strings, timestamps RFC 3339 strings, enums strings.
public enum Vertex {}

extension Vertex {
    /// `PipelineJob.state` (`PipelineState`).
    public struct PipelineState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let unspecified = PipelineState(rawValue: "PIPELINE_STATE_UNSPECIFIED")
        public static let queued = PipelineState(rawValue: "PIPELINE_STATE_QUEUED")
        public static let pending = PipelineState(rawValue: "PIPELINE_STATE_PENDING")
        public static let running = PipelineState(rawValue: "PIPELINE_STATE_RUNNING")
        public static let succeeded = PipelineState(rawValue: "PIPELINE_STATE_SUCCEEDED")
        public static let failed = PipelineState(rawValue: "PIPELINE_STATE_FAILED")
        public static let cancelling = PipelineState(rawValue: "PIPELINE_STATE_CANCELLING")
        public static let cancelled = PipelineState(rawValue: "PIPELINE_STATE_CANCELLED")
        public static let paused = PipelineState(rawValue: "PIPELINE_STATE_PAUSED")

        public var description: String { rawValue }
    }

    /// `BatchPredictionJob.state` (`JobState`).
    public struct JobState: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let unspecified = JobState(rawValue: "JOB_STATE_UNSPECIFIED")
        public static let queued = JobState(rawValue: "JOB_STATE_QUEUED")
        public static let pending = JobState(rawValue: "JOB_STATE_PENDING")
        public static let running = JobState(rawValue: "JOB_STATE_RUNNING")
        public static let succeeded = JobState(rawValue: "JOB_STATE_SUCCEEDED")
        public static let failed = JobState(rawValue: "JOB_STATE_FAILED")
        public static let cancelling = JobState(rawValue: "JOB_STATE_CANCELLING")
        public static let cancelled = JobState(rawValue: "JOB_STATE_CANCELLED")
        public static let paused = JobState(rawValue: "JOB_STATE_PAUSED")
        public static let expired = JobState(rawValue: "JOB_STATE_EXPIRED")
        public static let updating = JobState(rawValue: "JOB_STATE_UPDATING")
        public static let partiallySucceeded = JobState(rawValue: "JOB_STATE_PARTIALLY_SUCCEEDED")

        public var description: String { rawValue }
    }
}
