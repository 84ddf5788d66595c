/// The names Steward writes into the world and reads back: labels on cloud resources, the objects it records
/// beside its data, and the placeholders of manifests. One vocabulary, used by the planner and every adapter,
/// so that what one side writes the other finds.

/// The labels on what Steward creates (Vertex AI resources; Cloud Build tags are made from the same words).
public enum StewardLabel {
    /// `"true"` on everything Steward manages; list calls filter on it.
    public static let managed = "steward-managed"
    /// The name of the manifest resource the object belongs to.
    public static let resource = "steward-resource"
    /// The idempotency key of the side effect that made the object.
    public static let key = "steward-key"
    /// The attempt number of a pipeline run.
    public static let attempt = "steward-attempt"
    /// The full commit id a run was planned at.
    public static let commit = "steward-commit"
    /// The tree id of the image context (without the modules folder) a run uses.
    public static let imageTree = "steward-image-tree"
    /// The tree id of the modules folder a run uses.
    public static let modulesTree = "steward-modules-tree"
    /// The span numbers a run trains on, joined by `_` (`1_2`).
    public static let spans = "steward-spans"
    /// The run whose model a model upload is.
    public static let run = "steward-run"
    /// The model a batch prediction judges.
    public static let model = "steward-model"
    /// The collection batch a batch prediction reads.
    public static let batch = "steward-batch"
    /// Where a run's model and blessing are (task and artifact names, normalised).
    public static let modelTask = "steward-model-task"
    public static let modelArtifact = "steward-model-artifact"
    public static let blessingTask = "steward-blessing-task"
    public static let blessingArtifact = "steward-blessing-artifact"

    /// The value of `steward-managed`.
    public static let managedValue = "true"

    /// The labels every managed object carries: managed, the resource, and the key when there is one.
    public static func owned(by resource: String, key: String? = nil) -> [String: String] {
        var labels = [managed: managedValue, self.resource: resource]
        if let key { labels[self.key] = key }
        return labels
    }

    /// Whether labels say the object is Steward's, made for `key` when one is given.
    public static func isOwned(_ labels: [String: String], key: String? = nil) -> Bool {
        guard labels[managed] == managedValue else { return false }
        guard let key else { return true }
        return labels[self.key] == key
    }
}

/// The objects Steward writes beside its data, by name.
public enum RecordName {
    /// The result of an evaluation, beside the batch prediction's output.
    public static let evaluation = "evaluation.json"
    /// Written last into a module copy; a copy without it is incomplete.
    public static let moduleCopyMarker = ".steward-copy.json"
    /// Written first into a span Steward prepares (DESIGN §2).
    public static let spanInProgress = "_STEWARD_IN_PROGRESS"
    /// Written last into a complete span.
    public static let spanSuccess = "_SUCCESS"
    /// The file a TFX-style blessing folder holds when the model is blessed.
    public static let blessed = "BLESSED"
    /// The bucket, under the local root's storage, where the local provider keeps templates checks produce.
    public static let localTemplateBucket = "steward-local"
}

/// The placeholder names manifests may use.
public enum PlaceholderName {
    /// `${image}`: the image reference with its tag.
    public static let image = "image"
    /// `${modules}`: where the modules were copied.
    public static let modules = "modules"
    public static let spansFirst = "spans.first"
    public static let spansLast = "spans.last"
    /// Comma-separated span numbers.
    public static let spansList = "spans.list"
    /// An exact glob of the selected spans, when one exists.
    public static let spansGlob = "spans.glob"
    public static let datasetRoot = "dataset.root"
    public static let pipelineRoot = "pipeline.root"

    /// In a Release's `tag`.
    public static let pipeline = "pipeline"
    public static let runID = "run.id"
    public static let runKey = "run.key"
    public static let runCommit = "run.commit"
}
