import Foundation

/// Runs Debian's `chromium-headless-shell` to load a page and read back the DOM the browser built.
///
/// `make test` installs the package (`scripts/bootstrap.sh`); when it is missing, `locate()` throws, so a test that
/// needs the browser fails saying so instead of passing without it. `STEWARD_CHROMIUM` names another binary.
///
/// Flags: `--no-sandbox` because the tests may run as root (Chromium refuses to start its sandbox as root), and a
/// fresh `--user-data-dir` per run so that tests running in parallel share no profile. `--headless` and
/// `--disable-gpu` are the shell's defaults, passed anyway so that a full `chromium` named by `STEWARD_CHROMIUM`
/// behaves the same.
///
/// The binary itself is run, not Debian's `/usr/bin/chromium-headless-shell`, a shell script that starts it as a
/// child: stopping the script would leave the browser running, and `Process` would wait for it (it learns of an
/// exit when every holder of an inherited descriptor has gone). A page that never finishes loading (a script
/// stuck in `alert()`, say) is stopped after `timeout`, with SIGTERM, then SIGKILL.
public enum Chromium {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// An element the browser found for a selector, with its layout box in CSS pixels.
    public struct Element: Sendable, Decodable {
        public var tag: String
        public var attributes: [String: String]
        public var text: String
        public var width: Double
        public var height: Double

        public var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }
    }

    /// What `query` found: the elements of each selector, in document order, and the page's layout width.
    public struct QueryResult: Sendable, Decodable {
        public var elements: [String: [Element]]
        /// `window.innerWidth`.
        public var viewportWidth: Double
        /// `document.documentElement.scrollWidth`: wider than the viewport when something overflows sideways.
        public var documentWidth: Double

        public subscript(_ selector: String) -> [Element] { elements[selector] ?? [] }
    }

    /// Where Debian's package puts the binary; `/usr/bin/chromium-headless-shell` is a script that runs it.
    public static let debianBinary = "/usr/lib/chromium/chromium-headless-shell"

    /// The browser binary: `STEWARD_CHROMIUM`, else Debian's binary, else `chromium-headless-shell` on `PATH`.
    public static func locate() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let named = environment["STEWARD_CHROMIUM"], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
                throw Failure(description: "STEWARD_CHROMIUM names '\(named)', which is not an executable file")
            }
            return URL(fileURLWithPath: named)
        }
        let onPath = (environment["PATH"] ?? "").split(separator: ":").map { "\($0)/chromium-headless-shell" }
        for path in [debianBinary] + onPath where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw Failure(description: "chromium-headless-shell is not installed (looked for \(debianBinary) and on PATH); "
            + "run 'make test' or 'scripts/bootstrap.sh', which install it, or 'apt-get install chromium-headless-shell'")
    }

    /// The DOM of the page at `url` (`file:` or `http:`), serialized by the browser after loading it.
    public static func dumpDOM(of url: URL, windowSize: (width: Int, height: Int) = (1280, 900),
                        timeout: Duration = .seconds(60)) async throws -> String {
        let binary = try locate()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("steward-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let stdoutURL = scratch.appendingPathComponent("stdout"), stderrURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)

        let process = Process()
        process.executableURL = binary
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(scratch.appendingPathComponent("profile").path)",
            "--window-size=\(windowSize.width),\(windowSize.height)",
            "--dump-dom", url.absoluteString,
        ]
        // Files, not pipes: the browser's chatter on standard error can never fill a pipe and stall it.
        let stdout = try FileHandle(forWritingTo: stdoutURL), stderr = try FileHandle(forWritingTo: stderrURL)
        defer { try? stdout.close(); try? stderr.close() }
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice

        let exit = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exit.continuation.yield($0.terminationStatus); exit.continuation.finish() }
        do { try process.run() } catch {
            throw Failure(description: "could not start '\(binary.path)': \(error)")
        }
        var timedOut = false
        let status: Int32 = await withTaskGroup(of: Int32?.self) { group in
            group.addTask { for await status in exit.stream { return status }; return -1 }
            group.addTask { try? await Task.sleep(for: timeout); return nil }
            while let next = await group.next() {
                if let status = next { group.cancelAll(); return status }
                // The time is up (or the test was cancelled): stop the browser, and kill it if it is still there
                // 5 s later; the first task then reports its exit.
                if timedOut {
                    kill(process.processIdentifier, SIGKILL)
                } else {
                    timedOut = true
                    process.terminate()
                    group.addTask { try? await Task.sleep(for: .seconds(5)); return nil }
                }
            }
            return -1
        }
        if timedOut {
            throw Failure(description: "'\(binary.lastPathComponent) --dump-dom \(url.absoluteString)' did not finish within \(timeout)")
        }

        let output = String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self)
        guard status == 0, !output.isEmpty else {
            let errors = String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
            let lastLines = errors.split(separator: "\n").suffix(5).joined(separator: "\n")
            throw Failure(description: "'\(binary.lastPathComponent) --dump-dom \(url.absoluteString)' exited with status \(status) "
                + "and \(output.utf8.count) bytes of DOM; its last lines on standard error:\n\(lastLines)")
        }
        return output
    }

    /// Loads `html` from a temporary file and asks the browser, for each selector, which elements match.
    ///
    /// A script appended after the document runs `document.querySelectorAll` once the page is parsed, and writes its
    /// findings into the DOM, which `--dump-dom` hands back. The page itself needs no script for this.
    public static func query(html: String, selectors: [String], windowSize: (width: Int, height: Int) = (1280, 900)) async throws -> QueryResult {
        let selectorsJSON = String(decoding: try JSONEncoder().encode(selectors), as: UTF8.self)
            .replacingOccurrences(of: "</", with: "<\\/")
        let probe = """
        <script>
        (function () {
          var found = {};
          \(selectorsJSON).forEach(function (selector) {
            found[selector] = Array.prototype.map.call(document.querySelectorAll(selector), function (element) {
              var attributes = {};
              for (var i = 0; i < element.attributes.length; i++) attributes[element.attributes[i].name] = element.attributes[i].value;
              var box = element.getBoundingClientRect();
              return { tag: element.tagName.toLowerCase(), attributes: attributes, text: element.textContent,
                       width: box.width, height: box.height };
            });
          });
          var result = { elements: found, viewportWidth: window.innerWidth, documentWidth: document.documentElement.scrollWidth };
          var out = document.createElement("pre");
          out.id = "chromium-probe-result";
          out.textContent = JSON.stringify(result);
          document.body.appendChild(out);
        })();
        </script>

        """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("steward-page-\(UUID().uuidString).html")
        try Data((html + probe).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let dom = try await dumpDOM(of: file, windowSize: windowSize)

        let open = "<pre id=\"chromium-probe-result\">"
        guard let start = dom.range(of: open), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw Failure(description: "the probe script left no result in the DOM (did the page end the document early?):\n\(dom.suffix(2000))")
        }
        // Text content as the browser serializes it: only these entities appear in a text node.
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{00A0}").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(QueryResult.self, from: Data(json.utf8))
    }
}
