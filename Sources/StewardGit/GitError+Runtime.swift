import StewardRuntime

/// What a git error means for an action that read the repository: a path the manifests name that is not
/// there does not appear by waiting (terminal until a commit changes it); a remote that did not answer
/// and libgit2's own failures are tried again.
extension GitError: RuntimeErrorConvertible {
    public var runtimeError: RuntimeError {
        switch self {
        case .unreachableRemote:
            RuntimeError(code: "unavailable", message: description, disposition: .retry)
        case .unknownRevision:
            RuntimeError(code: "not_found", message: description, disposition: .retry)
        case .pathNotFound, .notAFile, .notAFolder, .invalidPath:
            RuntimeError(code: "invalid", message: description, disposition: .stalled)
        case .notARepository, .noRemote:
            RuntimeError(code: "failed_precondition", message: description, disposition: .stalled)
        case .libgit2:
            RuntimeError(code: "internal", message: description, disposition: .retry)
        }
    }
}
