import Foundation
import StewardCore

/// The environment of a pipeline run, as `docs/local-provider.md` lists it.
struct RunEnvironment: Sendable, Hashable {
    /// The `STEWARD_` variables of the run.
    var variables: [String: String]
    var outputDirectory: String
    var modelDirectory: String
    var blessingDirectory: String?

    init(request: RunPipeline, layout: LocalLayout) {
        let pipelineRoot = layout.path(for: request.root)
        let outputDirectory = pipelineRoot + "/" + request.runID
        let model = request.outputs?.model ?? ArtifactRef(task: "trainer", artifact: "model")
        let blessingDirectory = request.outputs?.blessing.map { "\(outputDirectory)/\($0.task)/\($0.artifact)" }
        self.outputDirectory = outputDirectory
        self.modelDirectory = "\(outputDirectory)/\(model.task)/\(model.artifact)"
        self.blessingDirectory = blessingDirectory

        var variables: [String: String] = [
            "STEWARD_RUN_ID": request.runID,
            "STEWARD_PIPELINE": request.pipeline,
            "STEWARD_IMAGE": request.image ?? "",
            "STEWARD_STORAGE_ROOT": layout.storage,
            "STEWARD_PIPELINE_ROOT": pipelineRoot,
            "STEWARD_OUTPUT_DIR": outputDirectory,
            "STEWARD_MODEL_DIR": "\(outputDirectory)/\(model.task)/\(model.artifact)",
            "STEWARD_MODULES_DIR": request.modules.map { layout.path(for: $0) } ?? "",
            "STEWARD_DATASET_ROOT": request.datasetRoot.map { layout.path(for: $0) } ?? "",
            "STEWARD_SPANS": request.spans.sorted().map(String.init).joined(separator: ","),
            "STEWARD_PARAMETERS": Self.json(request.parameters),
        ]
        if let blessingDirectory { variables["STEWARD_BLESSING_DIR"] = blessingDirectory }
        // Sorted, so that two names with the same variable name resolve the same way every time.
        for (name, value) in request.parameters.sorted(by: { $0.key < $1.key }) {
            variables["STEWARD_PARAM_" + Self.variableName(name)] = value.description
        }
        self.variables = variables
    }

    /// `variables` over the inherited environment, without inherited run variables
    /// (a `STEWARD_BLESSING_DIR` of Steward's own environment must not leak into a run that declares none).
    func merged(over inherited: [String: String]) -> [String: String] {
        var environment = inherited.filter { !Self.isRunVariable($0.key) }
        environment.merge(variables) { $1 }
        return environment
    }

    /// A parameter name as a variable name: upper-cased, every character other than `A-Z0-9` as `_`.
    static func variableName(_ name: String) -> String {
        String(String.UnicodeScalarView(name.unicodeScalars.map { scalar -> Unicode.Scalar in
            switch scalar {
            case "A"..."Z", "0"..."9": scalar
            case "a"..."z": Unicode.Scalar(scalar.value - 32)!
            default: "_"
            }
        }))
    }

    private static let runVariables: Set<String> = [
        "STEWARD_RUN_ID", "STEWARD_PIPELINE", "STEWARD_IMAGE", "STEWARD_STORAGE_ROOT", "STEWARD_PIPELINE_ROOT",
        "STEWARD_OUTPUT_DIR", "STEWARD_MODEL_DIR", "STEWARD_BLESSING_DIR", "STEWARD_MODULES_DIR", "STEWARD_DATASET_ROOT",
        "STEWARD_SPANS", "STEWARD_PARAMETERS",
    ]

    static func isRunVariable(_ name: String) -> Bool {
        runVariables.contains(name) || name.hasPrefix("STEWARD_PARAM_")
    }

    private static func json(_ parameters: [String: ParameterValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(parameters) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
