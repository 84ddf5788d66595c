import StewardCore

/// The model and blessing a succeeded run reported.
struct RunOutputs: Sendable, Hashable {
    var modelURI: String?
    var blessed: Bool?
    /// The blessing artifact's folder, when its metadata did not say: its `BLESSED` object decides.
    var blessingFolder: String?
}

/// Where a run's model and blessing are, from its labels.
struct OutputReferences: Sendable {
    var model: (task: String, artifact: String)?
    var blessing: (task: String, artifact: String)?

    init?(labels: [String: String]) {
        if let task = labels[StewardLabel.modelTask], let artifact = labels[StewardLabel.modelArtifact] {
            model = (task, artifact)
        }
        if let task = labels[StewardLabel.blessingTask], let artifact = labels[StewardLabel.blessingArtifact] {
            blessing = (task, artifact)
        }
        if model == nil && blessing == nil { return nil }
    }

    /// The model URI and blessing in a job's task details. A blessing artifact whose metadata does not say
    /// leaves `blessed` nil and names its folder, where a `BLESSED` object decides; a declared blessing that
    /// is missing from the details counts as not blessed.
    func outputs(in detail: Vertex.PipelineJobDetail?) -> RunOutputs {
        var result = RunOutputs()
        if let model, let artifact = Self.artifact(model.task, model.artifact, in: detail) {
            result.modelURI = artifact.uri
        }
        if let blessing {
            let artifact = Self.artifact(blessing.task, blessing.artifact, in: detail)
            switch (artifact.flatMap(Self.blessing), artifact?.uri) {
            case (let said?, _): result.blessed = said
            case (nil, let folder?): result.blessingFolder = folder
            case (nil, nil): result.blessed = false
            }
        }
        return result
    }

    static func artifact(_ task: String, _ key: String, in detail: Vertex.PipelineJobDetail?) -> Vertex.Artifact? {
        let taskDetail = detail?.taskDetails?.first { VertexLabels.normalized($0.taskName ?? "") == task }
        let list = taskDetail?.outputs?.first { VertexLabels.normalized($0.key) == key }?.value
        return list?.artifacts?.first
    }

    /// A TFX ModelBlessing says `blessed` (1 or 0) in its metadata; an artifact URI naming the `BLESSED` or
    /// `NOT_BLESSED` file itself says it too. Nil when neither says: then the folder's objects decide.
    static func blessing(of artifact: Vertex.Artifact) -> Bool? {
        if let value = artifact.metadata?["blessed"] {
            if let flag = value.boolValue { return flag }
            if let number = value.intValue { return number != 0 }
            if let text = value.stringValue { return text == "1" || text.lowercased() == "true" }
        }
        guard let uri = artifact.uri else { return nil }
        let last = uri.split(separator: "/").last.map(String.init) ?? ""
        if last == "NOT_BLESSED" { return false }
        if last == RecordName.blessed { return true }
        return nil
    }
}

/// The outputs of finished runs, read once each.
actor OutputMemory {
    private var byRun: [String: RunOutputs] = [:]

    func get(_ run: String) -> RunOutputs? { byRun[run] }
    func set(_ run: String, _ outputs: RunOutputs) { byRun[run] = outputs }
}
