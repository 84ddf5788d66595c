import Foundation
import StewardCore
import StewardFakes
import StewardGoogleCloud
import StewardRuntime

/// Runs a check build for the Cloud Build fake as Cloud Build would run it in the Pipeline's image: the staged
/// source unpacked as the workspace, the step's `/bin/sh -c COMMAND` run in it, the log written to
/// `gs://<logsBucket>/log-<id>.txt` and `artifacts.objects` uploaded once the command exits 0.
///
/// What the image would hold, the host provides: `python` is the tests' interpreter (with pytest), and `tfx` runs
/// `tfx pipeline compile --pipeline-path FILE` as the TFX CLI runs the DSL file, `python FILE`.
struct CheckBuildRunner: Sendable {
    let objects: any ObjectStore
    /// Where workspaces are unpacked; removed by the owner.
    let folder: String

    private var bin: String { folder + "/image-bin" }

    /// Writes the image's `tfx` and `python` into `folder`.
    func prepare() throws {
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let tfx = """
            #!/bin/sh
            # The TFX CLI as the compile check uses it: `tfx pipeline compile --pipeline-path FILE --engine vertex`.
            [ "$1 $2" = "pipeline compile" ] || { echo "tfx: only 'pipeline compile' is available here" >&2; exit 2; }
            shift 2
            while [ $# -gt 0 ]; do case "$1" in --pipeline-path) file=$2; shift 2 ;; *) shift ;; esac; done
            exec python "$file"

            """
        try tfx.write(toFile: bin + "/tfx", atomically: true, encoding: .utf8)
        chmod(bin + "/tfx", 0o755)
        let python = ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/bin/python3"
        // A script, not a link: a virtual environment's interpreter finds its packages from the path it is run by.
        try "#!/bin/sh\nexec '\(python)' \"$@\"\n".write(toFile: bin + "/python", atomically: true, encoding: .utf8)
        chmod(bin + "/python", 0o755)
    }

    func run(_ id: String, _ build: ProtobufValue) async -> (succeeded: Bool, detail: String?) {
        do {
            guard let bucket = build["source"]?["storageSource"]?["bucket"]?.stringValue,
                  let object = build["source"]?["storageSource"]?["object"]?.stringValue,
                  let step = build["steps"]?.arrayValue?.first, let image = step["name"]?.stringValue,
                  let arguments = step["args"]?.arrayValue?.compactMap(\.stringValue), arguments.count == 2, arguments[0] == "-c",
                  let logs = build["logsBucket"]?.stringValue.flatMap({ try? StorageURI.parse($0).get() }) else {
                return (false, "the fake cannot run this build: \(build)")
            }
            let work = folder + "/check-\(id)"
            try FileManager.default.createDirectory(atPath: work + "/workspace", withIntermediateDirectories: true)
            let archive = try await objects.read(StorageURI(bucket: bucket, path: object))
            try Data(archive).write(to: URL(fileURLWithPath: work + "/source.tar.gz"))
            let unpacked = try await ProcessResult.run("/bin/tar", ["-xzf", work + "/source.tar.gz", "-C", work + "/workspace"],
                                                       directory: work, environment: ProcessInfo.processInfo.environment)
            guard unpacked.status == 0 else { return (false, "the source did not unpack: \(unpacked.stderr)") }
            let directory = work + "/workspace/" + (step["dir"]?.stringValue ?? "")
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            let result = try await ProcessResult.run("/bin/sh", ["-c", "exec 2>&1; " + arguments[1]], directory: directory,
                                                     environment: environment)
            try await objects.write(logs.appending("log-\(id).txt"), bytes: Array(result.stdout.utf8), contentType: "text/plain")
            guard result.status == 0 else {
                return (false, "Build step failure: build step 0 \"\(image)\" failed: step exited with non-zero status: \(result.status)")
            }
            if let location = build["artifacts"]?["objects"]?["location"]?.stringValue,
               let destination = try? StorageURI.parse(location.hasSuffix("/") ? String(location.dropLast()) : location).get() {
                for path in build["artifacts"]?["objects"]?["paths"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    let file = directory + "/" + path
                    guard let bytes = FileManager.default.contents(atPath: file) else { return (false, "artifacts: no file matches '\(path)'") }
                    try await objects.write(destination.appending((path as NSString).lastPathComponent), bytes: Array(bytes), contentType: nil)
                }
            }
            return (true, nil)
        } catch {
            return (false, "the fake could not run the check: \(error)")
        }
    }
}
