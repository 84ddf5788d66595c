import StewardCore

/// The environment of a batch prediction job, as `docs/local-provider.md` lists it.
struct BatchEnvironment: Sendable, Hashable {
    static let names: Set<String> = [
        "STEWARD_JOB_ID", "STEWARD_MODEL_DIR", "STEWARD_MODULES_DIR", "STEWARD_INSTANCES_FILE", "STEWARD_OUTPUT_DIR",
        "STEWARD_STORAGE_ROOT",
    ]

    /// The `STEWARD_` variables of the job.
    var variables: [String: String]

    init(jobID: String, modelDirectory: String, modulesDirectory: String, instancesFile: String, outputDirectory: String,
         layout: LocalLayout) {
        variables = [
            "STEWARD_JOB_ID": jobID,
            "STEWARD_MODEL_DIR": modelDirectory,
            "STEWARD_MODULES_DIR": modulesDirectory,
            "STEWARD_INSTANCES_FILE": instancesFile,
            "STEWARD_OUTPUT_DIR": outputDirectory,
            "STEWARD_STORAGE_ROOT": layout.storage,
        ]
    }

    /// `variables` over the inherited environment, without inherited run or job variables
    /// (a `STEWARD_RUN_ID` of Steward's own environment must not reach a prediction job).
    func merged(over inherited: [String: String]) -> [String: String] {
        var environment = inherited.filter { !Self.names.contains($0.key) && !RunEnvironment.isRunVariable($0.key) }
        environment.merge(variables) { $1 }
        return environment
    }
}
