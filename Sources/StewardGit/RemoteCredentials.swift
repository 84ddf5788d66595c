import CLibGit2

/// What the credentials callback needs, passed to libgit2 as the callback payload.
final class RemoteCredentials {
    /// The access token, sent as the password of user `x-access-token`.
    let token: String?
    /// How often libgit2 asked; a second request means the first answer was refused.
    var requests = 0
    /// What the first answer was, for the message when the remote refuses it.
    var offered = ""

    init(token: String?) { self.token = token }

    /// Runs `body` with remote callbacks that answer credential requests from this object:
    /// the token for https, the ssh agent for ssh URLs.
    func withCallbacks<T>(_ body: (inout git_remote_callbacks) throws -> T) rethrows -> T {
        var callbacks = git_remote_callbacks()
        git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        callbacks.credentials = stewardAcquireCredential
        return try withExtendedLifetime(self) {
            callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
            return try body(&callbacks)
        }
    }
}

/// libgit2's credentials callback: a C function, so its context comes through `payload`.
private func stewardAcquireCredential(
    _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?,
    _ url: UnsafePointer<CChar>?,
    _ usernameFromURL: UnsafePointer<CChar>?,
    _ allowedTypes: UInt32,
    _ payload: UnsafeMutableRawPointer?
) -> Int32 {
    guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
    let credentials = Unmanaged<RemoteCredentials>.fromOpaque(payload).takeUnretainedValue()
    credentials.requests += 1
    if credentials.requests > 1 {
        // libgit2 asks again after the server refused what it got: stop instead of looping.
        git_error_set_str(
            Int32(GIT_ERROR_NET.rawValue),
            "the remote refused the \(credentials.offered); check that it is valid and may read the repository"
        )
        return GIT_EAUTH.rawValue
    }
    if allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
        guard let token = credentials.token, !token.isEmpty else {
            git_error_set_str(
                Int32(GIT_ERROR_NET.rawValue),
                "the remote requires authentication and no access token was given;"
                    + " provide one (for example GITHUB_TOKEN) to read a private repository"
            )
            return GIT_EAUTH.rawValue
        }
        credentials.offered = "access token"
        return git_credential_userpass_plaintext_new(out, "x-access-token", token)
    }
    if allowedTypes & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, let usernameFromURL {
        credentials.offered = "key from the ssh agent"
        return git_credential_ssh_key_from_agent(out, usernameFromURL)
    }
    return GIT_PASSTHROUGH.rawValue
}
