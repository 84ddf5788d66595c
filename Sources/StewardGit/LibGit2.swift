import CLibGit2
import Foundation

/// Process-wide libgit2 setup and small conversions shared by the repository code.
enum LibGit2 {
    /// Initialises libgit2 once per process.
    ///
    /// Owner validation is off because CI checkouts and container volumes are routinely
    /// owned by another user; Steward only reads them.
    static let ready: Void = {
        git_libgit2_init()
        _ = steward_git_set_owner_validation(0)
    }()

    /// libgit2's message for the last failure on this thread.
    ///
    /// `git_error_last()` is thread-local: call this right after the failing call, with no
    /// suspension point in between.
    static func lastMessage() -> String {
        guard let error = git_error_last(), let text = error.pointee.message else {
            return "unknown error"
        }
        return String(cString: text).trimmingSuffix(while: { $0 == "\n" || $0 == "." })
    }

    /// Throws `GitError.libgit2` with libgit2's message when `code` is negative.
    static func check(_ code: Int32) throws {
        if code < 0 { throw GitError.libgit2(code: code, message: lastMessage()) }
    }

    /// The 40-hex form of an object id.
    static func hex(_ oid: UnsafePointer<git_oid>) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 41) { buffer in
            git_oid_fmt(buffer.baseAddress, oid)
            buffer[40] = 0
            return String(cString: buffer.baseAddress!)
        }
    }

    /// The 40-hex form of an object id held by value.
    static func hex(_ oid: git_oid) -> String {
        withUnsafePointer(to: oid) { hex($0) }
    }

    /// Parses a full 40-hex object id.
    static func oid(_ hex: String) throws -> git_oid {
        var oid = git_oid()
        try check(git_oid_fromstr(&oid, hex))
        return oid
    }
}

extension LibGit2 {
    /// Runs `body` with a `git_strarray` holding copies of `strings`, freed afterwards.
    static func withStringArray<T>(
        _ strings: [String],
        isolation: isolated (any Actor)? = #isolation,
        _ body: (UnsafePointer<git_strarray>) throws -> T
    ) rethrows -> T {
        var copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        return try copies.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try body(&array)
        }
    }
}
