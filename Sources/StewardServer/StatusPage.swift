import Foundation
import StewardCore
import StewardRuntime

/// The status page of `steward serve` (`GET /`): one self-contained HTML5 document rendered from a `StatusReport`.
///
/// Pure: no I/O and no clock (`now` is handed in). The page loads nothing from anywhere: the CSS is inline, the
/// charts are inline SVG, there is no script and no web font, so it works offline and behind any proxy. Every
/// interpolated string is escaped, since resource names, messages and details come from manifests and cloud errors.
///
/// What a test or a script can rely on:
/// - `section#last-reconcile` with `data-outcome` and `data-revision` (the full commit id); `code.commit` holds the
///   short id with the full one in `title`;
/// - `ul#overview > li[data-condition]`: how many resources are in each condition;
/// - `table#resources-table`, one `tr[data-resource="Kind/name"][data-condition="Ready"]` per resource, with
///   `span.badge.condition-<type>` and `code.commit[title=<full commit id>]`;
/// - `section#evaluations`, one `figure.evaluation[data-evaluation=name]` per evaluation, each with one
///   `svg.accuracy-chart[data-evaluation=name]` holding `line.axis.x-axis`, `line.axis.y-axis`,
///   `line.threshold[data-threshold]` (its value written beside it in `text.threshold-label`), `polyline.trend` and
///   one `circle.point.pass` or `circle.point.fail` per evaluation record (with `data-batch`, `data-model`,
///   `data-samples`, `data-accuracy` and a `<title>` tooltip), in recorded order. An Evaluation is charted when it has
///   records, when `thresholds` names it, or when the report lists its resource (`Evaluation/name`);
/// - a chart without records carries `text.empty-note` ("No evaluation yet: …") instead of points; when no
///   Evaluation is known at all, there is one such chart, without `data-evaluation`, with its axes;
/// - `table#actions-table`, one `tr[data-resource][data-operation][data-outcome]` per ended action, newest first.
public struct StatusPage: Sendable {
    public var report: StatusReport
    /// The time the page is rendered (RFC 3339, UTC); shown in the header, and the times on the page get an age
    /// ("3m ago") when it parses. `nil` shows neither.
    public var now: String?
    /// The threshold of each declared Evaluation, by name (from the manifests at the watched revision).
    ///
    /// A chart's threshold line is drawn at this value; without it, at the threshold of the evaluation's newest
    /// record. A declared Evaluation with no record yet still gets its chart, with its threshold line and the empty
    /// note. When nothing at all is known, the single empty chart has axes and the note but no threshold line:
    /// a threshold line at an invented value would be read as a fact.
    public var thresholds: [String: Double]
    /// What the service watches, e.g. `https://github.com/org/repo@main:manifests`; shown in the header.
    public var source: String?
    /// Reload the page every so many seconds (`<meta http-equiv="refresh">`); `nil` for no reload.
    ///
    /// On by default: the page answers "has my push been applied yet?", and a stale answer is the worse failure.
    /// A reload costs one small request with no assets; the browser keeps the scroll position.
    public var refreshSeconds: Int?

    public init(report: StatusReport, now: String? = nil, thresholds: [String: Double] = [:], source: String? = nil,
                refreshSeconds: Int? = 30) {
        self.report = report
        self.now = now
        self.thresholds = thresholds
        self.source = source
        self.refreshSeconds = refreshSeconds
    }

    /// The complete HTML document.
    public func render() -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"color-scheme\" content=\"light dark\">\n"
        if let refreshSeconds, refreshSeconds > 0 {
            out += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">\n"
        }
        out += "<title>\(escaped(pageTitle))</title>\n<style>\n\(Self.stylesheet)</style>\n</head>\n<body>\n"
        out += header()
        out += "<main>\n"
        out += overview()
        out += lastReconcile()
        out += resources()
        out += evaluations()
        out += actions()
        out += "</main>\n"
        out += "<footer><p>Steward status page"
        if let refreshSeconds, refreshSeconds > 0 { out += " · reloads every \(refreshSeconds) s" }
        out += " · the same data as JSON: <a href=\"api/v1/status\">api/v1/status</a></p></footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    private var pageTitle: String {
        let stalled = report.resources.filter { $0.condition.type == Condition.Kind.stalled.rawValue }.count
        return stalled > 0 ? "\(stalled) stalled · Steward" : "Steward status"
    }

    private var nowInstant: Instant? { now.flatMap { Instant(rfc3339: $0) } }

    // MARK: Sections

    private func header() -> String {
        var out = "<header class=\"topbar\">\n<div class=\"brand\"><span class=\"logo\" aria-hidden=\"true\">◆</span> Steward</div>\n"
        out += "<div class=\"context\">"
        if let source { out += "<span class=\"source\">watching <code>\(escaped(source))</code></span>" }
        if let now { out += "<span class=\"generated\">rendered <time datetime=\"\(escaped(now))\">\(escaped(displayTime(now)))</time></span>" }
        out += "</div>\n</header>\n"
        return out
    }

    private func overview() -> String {
        var counts: [String: Int] = [:]
        for entry in report.resources { counts[entry.condition.type, default: 0] += 1 }
        let known = Condition.Kind.allCases.map(\.rawValue)
        let types = known + counts.keys.filter { !known.contains($0) }.sorted()
        var out = "<ul id=\"overview\" class=\"overview\" aria-label=\"Resources by condition\">\n"
        for type in types {
            let n = counts[type] ?? 0
            out += "<li class=\"count condition-\(token(type))\(n == 0 ? " zero" : "")\" data-condition=\"\(escaped(type))\" data-count=\"\(n)\">"
            out += "<span class=\"n\">\(n)</span> <span class=\"label\">\(escaped(type))</span></li>\n"
        }
        out += "</ul>\n"
        return out
    }

    private func lastReconcile() -> String {
        guard let last = report.lastReconcile else {
            return "<section id=\"last-reconcile\" class=\"card\" data-outcome=\"none\">\n<h2>Last reconcile</h2>\n"
                + "<p class=\"empty\">No reconcile recorded yet: the first one starts when the service starts.</p>\n</section>\n"
        }
        var out = "<section id=\"last-reconcile\" class=\"card\" data-outcome=\"\(escaped(last.outcome))\" data-revision=\"\(escaped(last.revision))\">\n"
        out += "<h2>Last reconcile <span class=\"badge outcome-\(token(last.outcome))\">\(escaped(last.outcome))</span></h2>\n"
        out += "<dl class=\"facts\">\n"
        out += "<div><dt>Commit</dt><dd>\(commit(last.revision)) <code class=\"full-commit\">\(escaped(last.revision))</code></dd></div>\n"
        out += "<div><dt>Summary</dt><dd class=\"summary\">\(escaped(last.summary.isEmpty ? "—" : last.summary))</dd></div>\n"
        out += "<div><dt>Started</dt><dd>\(time(last.startedAt))</dd></div>\n"
        if let finished = last.finishedAt {
            var took = ""
            if let start = Instant(rfc3339: last.startedAt), let end = Instant(rfc3339: finished) {
                took = " <span class=\"muted\">(took \(formatDuration(seconds: end.seconds(since: start))))</span>"
            }
            out += "<div><dt>Finished</dt><dd>\(time(finished))\(took)</dd></div>\n"
        }
        out += "<div><dt>Reconcile id</dt><dd><code class=\"reconcile-id\">\(escaped(last.id))</code></dd></div>\n"
        out += "</dl>\n</section>\n"
        return out
    }

    private func resources() -> String {
        var out = "<section id=\"resources\" class=\"card\">\n<h2>Resources <span class=\"muted\">\(report.resources.count)</span></h2>\n"
        guard !report.resources.isEmpty else {
            return out + "<p class=\"empty\">No resources yet: they appear after the first reconcile of the manifests.</p>\n</section>\n"
        }
        out += "<div class=\"table-wrap\"><table id=\"resources-table\" class=\"stack\">\n"
        out += "<thead><tr><th scope=\"col\">Resource</th><th scope=\"col\">Condition</th><th scope=\"col\">Reason</th>"
        out += "<th scope=\"col\">Message</th><th scope=\"col\">Commit</th><th scope=\"col\">Updated</th></tr></thead>\n<tbody>\n"
        for entry in report.resources {
            let type = entry.condition.type
            out += "<tr data-resource=\"\(escaped(entry.resource))\" data-condition=\"\(escaped(type))\">"
            let parts = entry.resource.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                out += "<td class=\"resource\"><span class=\"kind\">\(escaped(parts[0]))/</span><span class=\"name\">\(escaped(parts[1]))</span></td>"
            } else {
                out += "<td class=\"resource\"><span class=\"name\">\(escaped(entry.resource))</span></td>"
            }
            out += "<td data-label=\"Condition\"><span class=\"badge condition-\(token(type))\">\(escaped(type))</span></td>"
            out += "<td class=\"reason\" data-label=\"Reason\">\(escaped(entry.condition.reason))</td>"
            out += "<td class=\"message\" data-label=\"Message\">\(escaped(entry.condition.message))</td>"
            out += "<td data-label=\"Commit\">\(commit(entry.revision))</td>"
            out += "<td class=\"time\" data-label=\"Updated\">\(time(entry.updatedAt))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
        return out
    }

    private func evaluations() -> String {
        // Charts: every evaluation with records, every declared Evaluation resource and every known threshold.
        var names = Set(report.evaluations.map(\.evaluation)).union(thresholds.keys)
        for entry in report.resources where entry.resource.hasPrefix("Evaluation/") {
            names.insert(String(entry.resource.dropFirst("Evaluation/".count)))
        }
        var out = "<section id=\"evaluations\" class=\"card\">\n<h2>Evaluations <span class=\"muted\">accuracy per collection batch</span></h2>\n"
        out += "<div class=\"charts\">\n"
        if names.isEmpty {
            out += chartFigure(name: nil, records: [], threshold: nil)
        } else {
            for name in names.sorted() {
                let records = report.evaluations.filter { $0.evaluation == name }
                out += chartFigure(name: name, records: records, threshold: thresholds[name] ?? records.last?.threshold)
            }
        }
        out += "</div>\n</section>\n"
        return out
    }

    private func actions() -> String {
        let ended = report.recentActions.filter { $0.phase == JournalEntry.Phase.end.rawValue }
        var out = "<section id=\"actions\" class=\"card\">\n<h2>Recent actions <span class=\"muted\">newest first</span></h2>\n"
        guard !ended.isEmpty else {
            return out + "<p class=\"empty\">No actions recorded yet.</p>\n</section>\n"
        }
        out += "<div class=\"table-wrap\"><table id=\"actions-table\" class=\"stack\">\n"
        out += "<thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Operation</th><th scope=\"col\">Resource</th>"
        out += "<th scope=\"col\">Outcome</th><th scope=\"col\">Detail</th></tr></thead>\n<tbody>\n"
        for action in ended {
            let outcome = action.outcome ?? "unknown"
            out += "<tr data-resource=\"\(escaped(action.resource))\" data-operation=\"\(escaped(action.operation))\" data-outcome=\"\(escaped(outcome))\">"
            out += "<td class=\"time\" data-label=\"Time\">\(time(action.at))</td>"
            out += "<td data-label=\"Operation\"><code class=\"operation\">\(escaped(action.operation))</code></td>"
            out += "<td class=\"resource\" data-label=\"Resource\">\(escaped(action.resource))</td>"
            out += "<td data-label=\"Outcome\"><span class=\"badge outcome-\(token(outcome))\">\(escaped(outcome))</span></td>"
            out += "<td class=\"detail\" data-label=\"Detail\">\(escaped(action.detail ?? ""))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n</section>\n"
        return out
    }

    // MARK: The accuracy chart

    /// The chart's frame in SVG user units (the `viewBox`); the plot area is inside the margins.
    private enum Frame {
        static let width = 480.0, height = 240.0
        static let left = 56.0, right = 44.0, top = 16.0, bottom = 48.0
        static let plotWidth = width - left - right
        static let plotHeight = height - top - bottom
        static var plotBottom: Double { top + plotHeight }
        static var plotRight: Double { left + plotWidth }
        /// Batch labels shown at most; with more batches every k-th is labelled.
        static let maxBatchLabels = 6
    }

    /// The y of an accuracy: 1 at the top of the plot, 0 at its bottom; out-of-range values are clamped.
    private func y(_ accuracy: Double) -> Double {
        let a = accuracy.isFinite ? min(1, max(0, accuracy)) : 0
        return Frame.top + (1 - a) * Frame.plotHeight
    }

    private func chartFigure(name: String?, records: [StatusReport.EvaluationEntry], threshold: Double?) -> String {
        let evaluationAttribute = name.map { " data-evaluation=\"\(escaped($0))\"" } ?? ""
        var out = "<figure class=\"evaluation\(records.isEmpty ? " empty" : "")\"\(evaluationAttribute)>\n<figcaption>"
        out += "<span class=\"title\">\(name.map { "Evaluation/\(escaped($0))" } ?? "Evaluation")</span>"
        out += "<span class=\"stats\">\(chartStats(records: records, threshold: threshold))</span></figcaption>\n"

        let label = "Accuracy per batch\(name.map { " of Evaluation \($0)" } ?? "")"
            + (threshold.map { String(format: ", threshold %.2f", $0) } ?? "")
        out += "<div class=\"chart-scroll\"><svg class=\"accuracy-chart\"\(evaluationAttribute) viewBox=\"0 0 \(n(Frame.width)) \(n(Frame.height))\""
        out += " role=\"img\" aria-label=\"\(escaped(label))\" preserveAspectRatio=\"xMidYMid meet\">\n"
        out += "<title>\(escaped(label))</title>\n"

        // Grid and y ticks.
        for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let ty = y(tick)
            if tick > 0 {
                out += "<line class=\"grid\" x1=\"\(n(Frame.left))\" y1=\"\(n(ty))\" x2=\"\(n(Frame.plotRight))\" y2=\"\(n(ty))\"/>\n"
            }
            out += "<text class=\"tick y-tick\" x=\"\(n(Frame.left - 6))\" y=\"\(n(ty + 4))\" text-anchor=\"end\">\(tickLabel(tick))</text>\n"
        }
        // Axes.
        out += "<line class=\"axis x-axis\" x1=\"\(n(Frame.left))\" y1=\"\(n(Frame.plotBottom))\" x2=\"\(n(Frame.plotRight))\" y2=\"\(n(Frame.plotBottom))\"/>\n"
        out += "<line class=\"axis y-axis\" x1=\"\(n(Frame.left))\" y1=\"\(n(Frame.top))\" x2=\"\(n(Frame.left))\" y2=\"\(n(Frame.plotBottom))\"/>\n"
        out += "<text class=\"axis-label x-label\" x=\"\(n(Frame.left + Frame.plotWidth / 2))\" y=\"\(n(Frame.height - 8))\" text-anchor=\"middle\">collection batch (in recorded order)</text>\n"
        let labelY = Frame.top + Frame.plotHeight / 2
        out += "<text class=\"axis-label y-label\" x=\"14\" y=\"\(n(labelY))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(n(labelY)))\">accuracy</text>\n"

        // The threshold, when known.
        if let threshold {
            let ty = y(threshold)
            out += "<line class=\"threshold\" data-threshold=\"\(threshold)\" x1=\"\(n(Frame.left))\" y1=\"\(n(ty))\" x2=\"\(n(Frame.plotRight))\" y2=\"\(n(ty))\"/>\n"
            // The value in the right margin, beside the line's end; the legend names it.
            out += "<text class=\"threshold-label\" x=\"\(n(Frame.plotRight + 4))\" y=\"\(n(ty + 4))\">\(String(format: "%.2f", threshold))</text>\n"
        }

        if records.isEmpty {
            let cx = Frame.left + Frame.plotWidth / 2, cy = Frame.top + Frame.plotHeight / 2
            out += "<text class=\"empty-note\" x=\"\(n(cx))\" y=\"\(n(cy - 4))\" text-anchor=\"middle\">"
            out += "<tspan x=\"\(n(cx))\" dy=\"0\">No evaluation yet:</tspan> "
            out += "<tspan x=\"\(n(cx))\" dy=\"18\">the chart fills in when the first collection batch is evaluated.</tspan></text>\n"
        } else {
            let step = Frame.plotWidth / Double(records.count)
            let xs = records.indices.map { Frame.left + (Double($0) + 0.5) * step }
            let every = Int((Double(records.count) / Double(Frame.maxBatchLabels)).rounded(.up))
            for (i, record) in records.enumerated() where i % every == 0 {
                out += "<text class=\"tick x-tick\" x=\"\(n(xs[i]))\" y=\"\(n(Frame.plotBottom + 16))\" text-anchor=\"middle\">"
                out += "\(escaped(abbreviate(StatusReport.shortName(record.batch), to: 10)))</text>\n"
            }
            let coordinates = records.indices.map { "\(n(xs[$0])),\(n(y(records[$0].accuracy)))" }.joined(separator: " ")
            out += "<polyline class=\"trend\" points=\"\(coordinates)\"/>\n"
            let showValues = records.count <= 12
            for (i, record) in records.enumerated() {
                let result = record.passed ? "pass" : "fail"
                out += "<circle class=\"point \(result)\" cx=\"\(n(xs[i]))\" cy=\"\(n(y(record.accuracy)))\" r=\"\(records.count > 30 ? 3.5 : 5)\""
                out += " data-batch=\"\(escaped(record.batch))\" data-model=\"\(escaped(record.model))\" data-samples=\"\(record.samples)\""
                out += " data-accuracy=\"\(record.accuracy)\"><title>\(escaped(tooltip(record)))</title></circle>\n"
                if showValues {
                    // Above the point, or below it when the point is near the top of the plot.
                    let py = y(record.accuracy)
                    let vy = py - Frame.top < 16 ? py + 18 : py - 10
                    out += "<text class=\"value \(result)\" x=\"\(n(xs[i]))\" y=\"\(n(vy))\" text-anchor=\"middle\">\(String(format: "%.2f", record.accuracy))</text>\n"
                }
            }
        }
        out += "</svg></div>\n"
        out += "<p class=\"legend\"><span class=\"key pass\">pass</span><span class=\"key fail\">fail</span>"
        out += "<span class=\"key threshold\">threshold \(threshold.map { String(format: "%.2f", $0) } ?? "(unknown until the first evaluation)")</span></p>\n"
        if !records.isEmpty { out += recordsTable(records) }
        out += "</figure>\n"
        return out
    }

    private func chartStats(records: [StatusReport.EvaluationEntry], threshold: Double?) -> String {
        var parts: [String] = []
        if let threshold { parts.append(String(format: "threshold %.2f", threshold)) }
        if let last = records.last {
            parts.append("\(records.count) batch\(records.count == 1 ? "" : "es")")
            parts.append("last \(String(format: "%.3f", last.accuracy)) on \(escaped(StatusReport.shortName(last.batch))) "
                + "<span class=\"badge outcome-\(last.passed ? "succeeded" : "failed")\">\(last.passed ? "pass" : "fail")</span>")
        } else {
            parts.append("no evaluation yet")
        }
        return parts.joined(separator: " · ")
    }

    private func recordsTable(_ records: [StatusReport.EvaluationEntry]) -> String {
        var out = "<details><summary>\(records.count) evaluation\(records.count == 1 ? "" : "s"), oldest first</summary>\n"
        out += "<div class=\"table-wrap\"><table class=\"evaluation-records\">\n<thead><tr><th scope=\"col\">Batch</th><th scope=\"col\">Model</th>"
        out += "<th scope=\"col\" class=\"num\">Samples</th><th scope=\"col\" class=\"num\">Correct</th><th scope=\"col\" class=\"num\">Errors</th>"
        out += "<th scope=\"col\" class=\"num\">Missing</th><th scope=\"col\" class=\"num\">Accuracy</th><th scope=\"col\">Result</th>"
        out += "<th scope=\"col\" class=\"optional\">Recorded</th></tr></thead>\n<tbody>\n"
        for r in records {
            out += "<tr data-batch=\"\(escaped(r.batch))\"><td><code title=\"\(escaped(r.batch))\">\(escaped(StatusReport.shortName(r.batch)))</code></td>"
            out += "<td><code title=\"\(escaped(r.model))\">\(escaped(StatusReport.shortName(r.model)))</code></td>"
            out += "<td class=\"num\">\(r.samples)</td><td class=\"num\">\(r.correct)</td><td class=\"num\">\(r.errors)</td><td class=\"num\">\(r.missing)</td>"
            out += "<td class=\"num\">\(String(format: "%.3f", r.accuracy))</td>"
            out += "<td><span class=\"badge outcome-\(r.passed ? "succeeded" : "failed")\">\(r.passed ? "pass" : "fail")</span></td>"
            out += "<td class=\"optional\">\(time(r.recordedAt))</td></tr>\n"
        }
        out += "</tbody>\n</table></div>\n</details>\n"
        return out
    }

    private func tooltip(_ r: StatusReport.EvaluationEntry) -> String {
        let comparison = r.passed ? "≥" : "<"
        return "batch \(r.batch)\nmodel \(r.model)\n\(r.samples) samples\n"
            + String(format: "accuracy %.3f %@ threshold %.2f: %@", r.accuracy, comparison, r.threshold, r.passed ? "pass" : "fail")
    }

    private func tickLabel(_ value: Double) -> String {
        value == 0 ? "0" : value == 1 ? "1" : String(format: "%.2f", value)
    }

    // MARK: Small pieces

    /// The short commit id, with the full one in `title`.
    private func commit(_ revision: String) -> String {
        guard !revision.isEmpty else { return "<span class=\"muted\">—</span>" }
        return "<code class=\"commit\" title=\"\(escaped(revision))\">\(escaped(String(revision.prefix(7))))</code>"
    }

    /// A `<time>` element: the UTC time, and its age when `now` is known.
    private func time(_ iso: String) -> String {
        var out = "<time datetime=\"\(escaped(iso))\">\(escaped(displayTime(iso)))</time>"
        if let now = nowInstant, let then = Instant(rfc3339: iso) {
            out += " <span class=\"age\">\(formatDuration(seconds: now.seconds(since: then))) ago</span>"
        }
        return out
    }

    /// `2026-11-29 02:38:32Z` for `2026-11-29T02:38:32Z`.
    private func displayTime(_ iso: String) -> String {
        Instant(rfc3339: iso) != nil ? iso.replacingOccurrences(of: "T", with: " ") : iso
    }

    private func abbreviate(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// A class-name fragment: lowercase letters, digits and dashes only.
    private func token(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" }
        return mapped.isEmpty ? "unknown" : String(mapped)
    }

    /// A coordinate with at most one decimal, without a trailing `.0`.
    private func n(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
    }
}

extension StatusPage {
    /// Escapes text for HTML element content and for double- or single-quoted attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private func escaped(_ text: String) -> String { StatusPage.escape(text) }

extension StatusReport {
    /// The status page of `steward serve` for this report; see `StatusPage` for the parameters.
    public func html(now: String? = nil, thresholds: [String: Double] = [:], source: String? = nil,
                     refreshSeconds: Int? = 30) -> String {
        StatusPage(report: self, now: now, thresholds: thresholds, source: source, refreshSeconds: refreshSeconds).render()
    }
}

extension StatusPage {
    /// The page's only style: system fonts, light and dark colours (`prefers-color-scheme`), narrow screens.
    static let stylesheet = """
    :root {
      --bg: #f6f8fa; --surface: #ffffff; --border: #d0d7de; --text: #1f2328; --muted: #59636e; --grid: #eaeef2;
      --ready: #1a7f37; --ready-bg: #dafbe1; --progressing: #0969da; --progressing-bg: #ddf4ff;
      --stalled: #cf222e; --stalled-bg: #ffebe9; --suspended: #6e7781; --suspended-bg: #eaeef2;
      --warning: #9a6700; --warning-bg: #fff8c5; --threshold: #bc4c00; --trend: #8c959f;
      --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #0d1117; --surface: #161b22; --border: #30363d; --text: #e6edf3; --muted: #9198a1; --grid: #21262d;
        --ready: #3fb950; --ready-bg: rgba(46, 160, 67, 0.15); --progressing: #58a6ff; --progressing-bg: rgba(56, 139, 253, 0.15);
        --stalled: #f85149; --stalled-bg: rgba(248, 81, 73, 0.15); --suspended: #8b949e; --suspended-bg: rgba(110, 118, 129, 0.2);
        --warning: #d29922; --warning-bg: rgba(187, 128, 9, 0.15); --threshold: #f0883e; --trend: #6e7681;
      }
    }
    * { box-sizing: border-box; }
    html { -webkit-text-size-adjust: 100%; }
    body {
      margin: 0; background: var(--bg); color: var(--text); line-height: 1.45;
      font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
    }
    code, .commit, .reconcile-id { font-family: var(--mono); font-size: 12.5px; }
    a { color: var(--progressing); }
    .topbar {
      display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 4px 16px;
      padding: 10px 24px; background: var(--surface); border-bottom: 1px solid var(--border);
    }
    .brand { font-weight: 650; font-size: 17px; letter-spacing: 0.01em; }
    .logo { color: var(--progressing); }
    .context { display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); font-size: 13px; min-width: 0; }
    .context code { overflow-wrap: anywhere; }
    main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 8px; display: grid; gap: 16px; }
    footer { max-width: 1280px; margin: 0 auto; padding: 0 24px 24px; color: var(--muted); font-size: 12px; }
    h2 { font-size: 15px; font-weight: 600; margin: 0 0 12px; display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    .muted, .age { color: var(--muted); font-weight: normal; }
    .age { font-size: 12px; }
    .empty { color: var(--muted); margin: 0; }
    .card { background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 16px; min-width: 0; }
    .overview { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); }
    .count {
      background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--suspended);
      border-radius: 8px; padding: 10px 14px; display: flex; align-items: baseline; gap: 8px;
    }
    .count .n { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
    .count .label { color: var(--muted); }
    .count.zero .n { color: var(--muted); font-weight: 400; }
    .count.condition-ready { border-left-color: var(--ready); }
    .count.condition-progressing { border-left-color: var(--progressing); }
    .count.condition-stalled { border-left-color: var(--stalled); }
    .count.condition-stalled:not(.zero) { background: var(--stalled-bg); }
    .badge {
      display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; line-height: 18px;
      white-space: nowrap; color: var(--suspended); background: var(--suspended-bg); border: 1px solid transparent;
    }
    .condition-ready.badge, .outcome-succeeded, .outcome-adopted { color: var(--ready); background: var(--ready-bg); }
    .condition-progressing.badge, .outcome-started, .outcome-running { color: var(--progressing); background: var(--progressing-bg); }
    .condition-stalled.badge, .outcome-failed { color: var(--stalled); background: var(--stalled-bg); }
    .outcome-interrupted, .outcome-deferred { color: var(--warning); background: var(--warning-bg); }
    .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 10px 24px; margin: 0; }
    .facts div { min-width: 0; }
    .facts dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
    .facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }
    .full-commit { color: var(--muted); font-size: 11.5px; }
    .table-wrap { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
    th { color: var(--muted); font-size: 12px; font-weight: 600; white-space: nowrap; }
    tbody tr:last-child td { border-bottom: 0; }
    tbody tr:hover td { background: var(--bg); }
    td.resource { white-space: nowrap; }
    td.resource .kind { color: var(--muted); }
    td.resource .name { font-weight: 600; }
    td.message, td.detail { overflow-wrap: anywhere; min-width: 16em; }
    td.time { white-space: nowrap; }
    td.time .age { display: block; }
    tr[data-condition="Stalled"] td.message { color: var(--stalled); }
    tr[data-outcome="failed"] td.detail { color: var(--stalled); }
    .num { text-align: right; font-variant-numeric: tabular-nums; }
    .charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); }
    figure.evaluation { margin: 0; border: 1px solid var(--border); border-radius: 8px; padding: 12px; min-width: 0; }
    figcaption { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; margin-bottom: 6px; }
    figcaption .title { font-weight: 600; }
    figcaption .stats { color: var(--muted); font-size: 13px; }
    .chart-scroll { overflow-x: auto; }
    svg.accuracy-chart { display: block; width: 100%; height: auto; font-size: 11px; }
    svg .grid { stroke: var(--grid); stroke-width: 1; }
    svg .axis { stroke: var(--muted); stroke-width: 1.2; }
    svg .tick, svg .axis-label { fill: var(--muted); }
    svg .axis-label { font-size: 12px; }
    svg .threshold { stroke: var(--threshold); stroke-width: 1.5; stroke-dasharray: 6 4; }
    svg .threshold-label { fill: var(--threshold); font-weight: 600; paint-order: stroke; stroke: var(--surface); stroke-width: 3px; }
    svg .trend { fill: none; stroke: var(--trend); stroke-width: 1.5; stroke-linejoin: round; }
    svg .point { stroke: var(--surface); stroke-width: 2; }
    svg .point.pass { fill: var(--ready); }
    svg .point.fail { fill: var(--stalled); }
    svg .point:hover { stroke: var(--text); }
    svg .value { font-size: 10.5px; font-weight: 600; paint-order: stroke; stroke: var(--surface); stroke-width: 3px; stroke-linejoin: round; }
    svg .value.pass { fill: var(--ready); }
    svg .value.fail { fill: var(--stalled); }
    svg .empty-note { fill: var(--muted); font-size: 12px; }
    .legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 4px 0 0; color: var(--muted); font-size: 12px; }
    .legend .key::before { content: ""; display: inline-block; margin-right: 6px; vertical-align: middle; }
    .legend .key.pass::before, .legend .key.fail::before { width: 9px; height: 9px; border-radius: 50%; }
    .legend .key.pass::before { background: var(--ready); }
    .legend .key.fail::before { background: var(--stalled); }
    .legend .key.threshold::before { width: 18px; border-top: 2px dashed var(--threshold); }
    details { margin-top: 8px; }
    summary { cursor: pointer; color: var(--muted); font-size: 13px; }
    @media (max-width: 720px) {
      .topbar, main, footer { padding-left: 12px; padding-right: 12px; }
      .card { padding: 12px; }
      .optional { display: none; }
      /* Tables become one block per row, each cell under its column's name. */
      table.stack thead { display: none; }
      table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
      table.stack tr { padding: 8px 0; border-bottom: 1px solid var(--border); }
      table.stack tbody tr:last-child { border-bottom: 0; }
      table.stack td { border: 0; padding: 2px 0; min-width: 0; white-space: normal; }
      table.stack td[data-label]::before {
        content: attr(data-label); display: inline-block; min-width: 6.5em; color: var(--muted); font-size: 12px;
      }
      table.stack td.time .age { display: inline; }
      /* The chart shrinks with the screen: larger type keeps its labels legible. */
      svg.accuracy-chart { font-size: 14px; }
      svg .empty-note { font-size: 14px; }
      svg .value { font-size: 13px; }
    }

    """
}
